"""Keys, the internal certificate authority, signing and verifying (signatures issue). No Flask here."""
