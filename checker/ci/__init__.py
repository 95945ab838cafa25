"""Continuous integration: policy files with waivers (`policy`), scans of many models (`scan`), the check
report and its JSON contract (`report`), and the CI formats (`formats`: SARIF, JUnit, Markdown, GitHub)."""
