"""The rules, one module per domain. No HTTP events here, no boto3: storage goes through netclub.store."""
