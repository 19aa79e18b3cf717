"""Admin for divisions, departments and service centres, and the staff scoping every catalogue admin uses.

Scoping (the Actor's rule, tongban.core.actor; querysets through jurisdictions.scoping): superusers and
system administrators see everything; any other staff member (a catalogue administrator above all) sees and
edits only rows of their own division's subtree (``Division.path`` starts with theirs). A staff member
without a division sees nothing that is scoped.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Model, QuerySet
from django.http import Http404, HttpRequest

from tongban.core.actor import actor_of
from tongban.core.identifiers import division_code_error, division_level, normalize_uscc

from .kinds import department_kind_label
from .models import Department, Division, ServiceCentre, Window
from .scoping import within_divisions

# How each scoped model reaches the Division.path of a row (ORM lookup, also followed as attributes). Apps
# above add their own models with scope_model() in their admin modules.
SCOPE_PATHS: dict[str, str] = {
    "jurisdictions.division": "path",
    "jurisdictions.department": "division__path",
    "jurisdictions.servicecentre": "division__path",
}

# What a choice's label (its __str__) reads, loaded with the choices rather than one query per option.
CHOICE_RELATED: dict[str, tuple[str, ...]] = {}


def scope_model(label: str, path_lookup: str, *, choice_related: tuple[str, ...] = ()) -> None:
    """Scope the rows of model ``label`` ("app_label.modelname") by the Division.path ``path_lookup`` reaches,
    in its admin and wherever a foreign key to it offers choices."""
    SCOPE_PATHS[label] = path_lookup
    if choice_related:
        CHOICE_RELATED[label] = choice_related


# --- scoping (the rule itself is the Actor's, tongban.core.actor) --------------------------------------------


def is_unscoped(user: Any) -> bool:
    return actor_of(user).division_paths() is None


def scope_queryset(queryset: QuerySet, user: Any, path_lookup: str | None = None) -> QuerySet:
    """Rows of ``queryset`` inside the user's subtree."""
    lookup = path_lookup or SCOPE_PATHS[queryset.model._meta.label_lower]
    return within_divisions(queryset, actor_of(user), lookup)


def scoped_choices(model: type[Model], user: Any) -> QuerySet | None:
    """Choices for a foreign key to ``model`` limited to the user's subtree (None: the model is not scoped)."""
    label = model._meta.label_lower
    if label not in SCOPE_PATHS:
        return None
    queryset = model._default_manager.select_related(*CHOICE_RELATED.get(label, ()))
    return scope_queryset(queryset, user)


def object_path(obj: Model, path_lookup: str) -> str:
    value: Any = obj
    for part in path_lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def has_catalogue_role(user: Any) -> bool:
    return actor_of(user).catalogue_editor


class RoleScopedAdmin(admin.ModelAdmin):
    """Permissions by role (catalogue/system administrators) or Django permission, limited to the subtree.

    ``role_may_edit`` says whether a catalogue role may add/change/delete here; subclasses narrow it.
    """

    scope_path: str | None = None  # default: SCOPE_PATHS for the model; "" for an unscoped model
    role_may_delete = True

    def get_scope_path(self) -> str:
        if self.scope_path is not None:
            return self.scope_path
        return SCOPE_PATHS.get(self.model._meta.label_lower, "")

    def role_may_view(self, request: HttpRequest) -> bool:
        return has_catalogue_role(request.user)

    def role_may_edit(self, request: HttpRequest) -> bool:
        return has_catalogue_role(request.user)

    def scoped_user_may_edit(self, request: HttpRequest) -> bool:
        """Whether a user limited to a subtree may change rows here at all, whatever permissions they hold."""
        return True

    def _edit_allowed(self, request: HttpRequest) -> bool:
        return is_unscoped(request.user) or self.scoped_user_may_edit(request)

    def in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        path = self.get_scope_path()
        if obj is None or not path:
            return True
        return actor_of(request.user).manages_path(object_path(obj, path))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        path = self.get_scope_path()
        return scope_queryset(qs, request.user, path) if path else qs

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Outside the user's subtree looks exactly like missing: 404, never a hint that it exists.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在或不在您的管辖范围内。")
        return obj

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self.role_may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj) or self.role_may_view(request)
        return allowed and self.in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_add_permission(request) or self.role_may_edit(request)
        return allowed and self._edit_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj) or self.role_may_edit(request)
        return allowed and self._edit_allowed(request) and self.in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj) or (self.role_may_delete and self.role_may_edit(request))
        return allowed and self._edit_allowed(request) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RoleScopedInline:
    """The same role permissions for inlines; the parent admin has already checked the parent's scope."""

    role_may_delete = True

    def role_may_edit(self, request: HttpRequest) -> bool:
        return has_catalogue_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or has_catalogue_role(request.user)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) or self.role_may_edit(request)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self.role_may_edit(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or (  # type: ignore[misc]
            self.role_may_delete and self.role_may_edit(request)
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs.setdefault("queryset", choices)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


# --- divisions -------------------------------------------------------------------------------------------

# Digits of a 12-digit code that a division at each level fixes for its descendants.
_PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9}


class DivisionForm(forms.ModelForm):
    class Meta:
        model = Division
        fields = ["code", "name", "level", "parent"]

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        if error := division_code_error(code):
            raise forms.ValidationError(error)
        return code.ljust(12, "0")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        code, level, parent = data.get("code"), data.get("level"), data.get("parent")
        if code and level and division_level(code) != level:
            self.add_error("level", f"区划代码{code}对应的层级是“{Division.Level(division_level(code)).label}”")
        if code and parent is not None:
            if parent.level >= (level or 0):
                self.add_error("parent", "上级区划的层级必须高于本区划")
            elif code[: _PREFIX_LENGTH.get(parent.level, 12)] != parent.code[: _PREFIX_LENGTH.get(parent.level, 12)]:
                self.add_error("parent", f"区划代码{code}不在上级区划“{parent.name}”（{parent.code}）之下")
        elif level and level > 1 and parent is None and not self.instance.pk:
            self.add_error("parent", "省级以下区划必须选择上级区划")
        return data


@admin.register(Division)
class DivisionAdmin(RoleScopedAdmin):
    form = DivisionForm
    list_display = ("tree_name", "code", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("code", "name")
    ordering = ("path",)
    list_per_page = 100
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    role_may_delete = False

    def scoped_user_may_edit(self, request: HttpRequest) -> bool:
        # The division tree is national data: only platform-wide administrators change it.
        return False

    @admin.display(description="名称", ordering="path")
    def tree_name(self, obj: Division) -> str:
        return "　" * (obj.level - 1) + obj.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code is the key and the parent fixes every descendant's path: both are set once.
        return ("code", "parent", "path") if obj else ("path",)


# --- departments -----------------------------------------------------------------------------------------


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["division", "name", "short_name", "kind", "uscc", "phone", "address"]

    def clean_uscc(self) -> str:
        # Department.clean validates the check character; normalise first so lower case is accepted.
        return normalize_uscc(self.cleaned_data.get("uscc") or "")


class DepartmentKindFilter(admin.SimpleListFilter):
    title = "部门类别"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = model_admin.get_queryset(request).order_by().values_list("kind", flat=True).distinct()
        return sorted(((k, department_kind_label(k)) for k in set(kinds) if k), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Department)
class DepartmentAdmin(RoleScopedAdmin):
    form = DepartmentForm
    list_display = ("name", "division", "kind", "uscc", "phone")
    list_filter = (DepartmentKindFilter, "division__level")
    search_fields = ("name", "short_name", "uscc", "division__name")
    list_select_related = ("division",)
    autocomplete_fields = ("division",)


# --- service centres and windows -------------------------------------------------------------------------


class WindowInline(RoleScopedInline, admin.TabularInline):
    model = Window
    extra = 0
    fields = ("number", "name", "kind", "departments")
    autocomplete_fields = ("departments",)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(RoleScopedAdmin):
    list_display = ("name", "kind", "division", "opening_hours", "window_count")
    list_filter = ("kind", "division__level")
    search_fields = ("name", "address", "division__name")
    list_select_related = ("division",)
    autocomplete_fields = ("division", "departments")
    inlines = [WindowInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_windows=Count("windows"))

    @admin.display(description="窗口数", ordering="_windows")
    def window_count(self, obj: ServiceCentre) -> int:
        return getattr(obj, "_windows", 0)
