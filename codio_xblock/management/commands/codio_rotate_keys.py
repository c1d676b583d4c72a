from codio_xblock import keystore
from codio_xblock.keyring import RotateKeysCommand


class Command(RotateKeysCommand):
    help = "Make a new platform signing key; old keys stay published during the overlap."
    ring = keystore.ring
