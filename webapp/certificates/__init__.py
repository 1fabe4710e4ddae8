"""My certificate, the published CA material (root, CRL, status), the CA's administration page."""
