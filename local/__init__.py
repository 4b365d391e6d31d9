"""The local stack: moto as AWS, a thin gateway that serves template.yaml's routes, demo data."""
