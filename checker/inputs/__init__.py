"""Reading what users give: text decoded safely (`textfile`) and YAML with a position for every value
(`yamlfile`), so that a mistake in a profile or policy is reported at its line."""
