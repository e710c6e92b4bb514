"""The XLSX import of households and members (§13): template, streaming reader, validation."""
