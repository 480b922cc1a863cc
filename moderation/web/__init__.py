"""What every HTTP front door shares: API keys, the one error shape, request guards, the proxy setting."""
