"""``antre report``: the office's report for a month (or any range of business days).

``data`` reads the database (aggregated in SQL, counts only, no personal data leaves it),
``figures`` turns that into the report's figures (pure), ``charts``, ``xlsx`` and ``pdf`` write
them, ``texts`` holds the Indonesian and English wording, ``cli`` is the command. The heavy
libraries (openpyxl, matplotlib, reportlab) load only in the writers.
"""
