"""Public community portal: learn the signs, report anonymously, get help, Safe Migration Passport."""
