ROLE_PERMISSIONS = {
    "hr_admin": [
        "workforce.view_workforce",
        "workforce.view_workforce_reports",
        "workforce.view_organisation",
    ],
    "analyst": ["workforce.view_workforce_reports"],
}
