"""imbalance-lab's Hydra plugins (Hydra loads plugins only from hydra_plugins.*)."""
