"""The `tiaki world` command."""
