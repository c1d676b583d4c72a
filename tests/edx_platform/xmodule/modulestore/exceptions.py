"""Stand-in for xmodule/modulestore/exceptions.py."""


class ItemNotFoundError(Exception):
    pass
