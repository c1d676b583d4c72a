from codio_xblock import keystore
from lti_bridge.keyring import RotateKeysCommand


class Command(RotateKeysCommand):
    help = "Make a new platform signing key; old keys stay published during the overlap."
    ring = keystore.ring
