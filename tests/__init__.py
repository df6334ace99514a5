"""The test suite.

Every account of the suite signs in through the real form, and Argon2 is slow on purpose
(about 0.1 to 0.4 s a check): the suite hashes with Argon2id's cheapest parameters. The
production parameters are checked on their own (tests/accounts/test_services.py).
"""

from argon2 import profiles

from consult.accounts import passwords

passwords.use_parameters(profiles.CHEAPEST)
