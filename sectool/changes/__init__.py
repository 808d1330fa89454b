"""Change sets: the legal text of one modification or direction, recorded against a base."""
