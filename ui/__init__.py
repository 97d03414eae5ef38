"""What pages share: the cached engine, the signed-in user, the enterprise picker, formatting."""
