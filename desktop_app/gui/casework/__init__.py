"""The Layanan tab: casework for Si Hore, disability services and children (issue 15).

`tab.CaseworkTab` lists cases (mine, due this week, all, Si Hore overdue visits) and opens one in
`panel.CasePanel`; `forms` holds the keyboard-first dialogs and `assessment` the one built from
the program's field list; `docs` prints through the print preview in a worker; `models` holds
the table models. Everything goes through `desktop_app.services.casework.CaseworkService`.
"""
