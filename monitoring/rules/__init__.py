"""Rules of the monitoring app: the data-quality checks of §8.2 (set-based and per household) and the
monitoring triggers of §7. They import nothing from views, templates or HTTP."""
