// Reads a roster with ltijs's own Names and Roles client (ltijs/dist/Provider/Services/
// NamesAndRoles.js, getMembers: paging by Link rel="next", role, limit, rlid). ltijs's
// Provider needs MongoDB, so the platform object it asks for a token is given here; it
// requests the token as ltijs's Auth.getAccessToken does (an RS256 client assertion).
// Input (stdin, JSON): issuer, clientId, tokenUrl, privateKey, kid, url, and optionally
// rlid, role, limit. Output (stdout, JSON): what getMembers returned.
'use strict'
const crypto = require('crypto')
const fs = require('fs')
const got = require('got')
const jwt = require('jsonwebtoken')
const NamesAndRoles = require('ltijs/dist/Provider/Services/NamesAndRoles')

const cfg = JSON.parse(fs.readFileSync(0, 'utf8'))

async function platformAccessToken (scope) {
  const now = Math.floor(Date.now() / 1000)
  const assertion = jwt.sign(
    { iss: cfg.clientId, sub: cfg.clientId, aud: cfg.tokenUrl, iat: now, exp: now + 60, jti: crypto.randomUUID() },
    cfg.privateKey,
    { algorithm: 'RS256', keyid: cfg.kid }
  )
  return got.post(cfg.tokenUrl, {
    form: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope
    }
  }).json()
}

const platform = { platformActive: async () => true, platformAccessToken }
const service = new NamesAndRoles(async () => platform, 'unused', null)
const idtoken = {
  iss: cfg.issuer,
  clientId: cfg.clientId,
  platformContext: { namesRoles: { context_memberships_url: cfg.url }, resource: { id: cfg.rlid || '' } }
}
const options = { pages: false, resourceLinkId: Boolean(cfg.rlid) }
if (cfg.role) options.role = cfg.role
if (cfg.limit) options.limit = cfg.limit

service.getMembers(idtoken, options).then(
  (result) => { process.stdout.write(JSON.stringify(result)) },
  (error) => { process.stderr.write(String(error && error.stack ? error.stack : error)); process.exit(1) }
)
