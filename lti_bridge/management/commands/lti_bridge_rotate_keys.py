from codio_xblock.keyring import RotateKeysCommand
from lti_bridge import keys


class Command(RotateKeysCommand):
    help = "Make a new signing key for the bridge; old keys stay published during the overlap."
    ring = keys.ring
