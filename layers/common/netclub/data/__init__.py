"""Data shipped with the package (common passwords, JSIC classes, the お取引エリア・加工分類 lists in choices.py)."""
