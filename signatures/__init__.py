"""Keys, the internal certificate authority, signing and verifying (signatures issue). No Flask here.

A pure library: no database, no engine, no wall clock. The engine stores what these functions
return (PEM/DER/sealed bytes, dataclasses) and passes the time in.

- :mod:`signatures.ca`: root and issuing CA, user certificates.
- :mod:`signatures.revocation`: revocation records, CRL, certificate status at a moment.
- :mod:`signatures.keys`, :mod:`signatures.pin`, :mod:`signatures.sealing`: software keys sealed
  under a PIN, the wrong-PIN lockout.
- :mod:`signatures.signer` (``Signer``, ``SoftwareSigner``), :mod:`signatures.pkcs11_signer`
  (``Pkcs11Signer``, keys generated on a token), :mod:`signatures.cms`: detached CMS SignedData.
- :mod:`signatures.verify`: verification report.
- :mod:`signatures.errors`: stable error codes.
"""
