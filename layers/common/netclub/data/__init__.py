"""Data files shipped with the package (common passwords, JSIC classes)."""
