"""The console toolkit: what the HQ and Sales consoles (package `consoles`) and the apps' admin
modules share. Core knows no system app; the apps register their pages on the consoles' sites."""
