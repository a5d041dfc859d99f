"""The handler's screens (R15-R19): trays, the case, its work."""
