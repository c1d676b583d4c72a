// Drives ltijs's own Assignment and Grade Services client (ltijs/dist/Provider/Services/
// Grade.js) against the platform: line items (list, create, read, update, delete), scores
// (submitScore, which asks for score + lineitem and reads the line item when the score has
// no scoreMaximum) and results. ltijs's Provider needs MongoDB, so the platform object it
// asks for a token is given here; it requests the token as ltijs's Auth.getAccessToken does
// (an RS256 client assertion) and records what it asked for and what it was granted.
// Input (stdin, JSON): issuer, clientId, tokenUrl, privateKey, kid, lineitems (the claim's
// container URL), rlid, user, and op + args (one Grade method call).
// Output (stdout, JSON): {result, tokens: [{asked, granted}]}; on an error, exit 1 and the
// error (with the HTTP status and body when there is one) on stderr.
'use strict'
const crypto = require('crypto')
const fs = require('fs')
const got = require('got')
const jwt = require('jsonwebtoken')
const Grade = require('ltijs/dist/Provider/Services/Grade')

const cfg = JSON.parse(fs.readFileSync(0, 'utf8'))
const tokens = []

async function platformAccessToken (scope) {
  const now = Math.floor(Date.now() / 1000)
  const assertion = jwt.sign(
    { iss: cfg.clientId, sub: cfg.clientId, aud: cfg.tokenUrl, iat: now, exp: now + 60, jti: crypto.randomUUID() },
    cfg.privateKey,
    { algorithm: 'RS256', keyid: cfg.kid }
  )
  const answer = await got.post(cfg.tokenUrl, {
    form: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope
    }
  }).json()
  tokens.push({ asked: scope, granted: answer.scope })
  return answer
}

const platform = { platformActive: async () => true, platformAccessToken }
const service = new Grade(async () => platform, 'unused', null)
const idtoken = {
  iss: cfg.issuer,
  clientId: cfg.clientId,
  user: cfg.user,
  platformContext: {
    endpoint: { lineitems: cfg.lineitems },
    resource: { id: cfg.rlid || '' }
  }
}

service[cfg.op](idtoken, ...(cfg.args || [])).then(
  (result) => { process.stdout.write(JSON.stringify({ result: result === undefined ? null : result, tokens })) },
  (error) => {
    const response = error && error.response
    process.stderr.write(JSON.stringify({
      error: String(error && error.message),
      status: response ? response.statusCode : null,
      body: response ? String(response.body) : null,
      tokens
    }))
    process.exit(1)
  }
)
