"""Commands for whoever runs a deployed stack (not part of any Lambda function)."""
