"""The data: IDX files read and checked, the dataset spec, the LightningDataModule, the index
draws that realise a plan's counts, batches taken from tensors on the device, and augmentation
done per batch on the device."""
