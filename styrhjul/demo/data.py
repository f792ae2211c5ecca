DEMO_PASSWORD = "styrhjul-demo"


def demo_logins():
    return []
