from familielos import roles


def user_role(request):
    if not hasattr(request, "user"):
        return {"user_role": "", "user_role_label": "", "works_with_families": False, "may_register_families": False}
    role = roles.role_of(request.user)
    return {
        "user_role": role,
        "user_role_label": roles.LABELS.get(role, ""),
        "works_with_families": roles.works_with_families(request.user),
        "may_register_families": roles.may_register_families(request.user),
    }
