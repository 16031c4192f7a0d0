from familielos import roles


def user_role(request):
    role = roles.role_of(request.user) if hasattr(request, "user") else ""
    return {"user_role": role, "user_role_label": roles.LABELS.get(role, "")}
