"""The config: its schema (every key declared once, registered in Hydra's ConfigStore), its check
(one line per bad value), and what decides a run's results (its fingerprint) and its job folder's
name. No torch: the command line, the sweeper and the report read it."""
