from lti_bridge import keys
from lti_bridge.keyring import RotateKeysCommand


class Command(RotateKeysCommand):
    help = "Make a new signing key for the bridge; old keys stay published during the overlap."
    ring = keys.ring
