"""Admin for the plain-words synonyms (市民说法 → 规范用语) that search expands queries with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from tongban.jurisdictions.admin import RoleScopedAdmin

from .models import SearchSynonym


class SearchSynonymForm(forms.ModelForm):
    class Meta:
        model = SearchSynonym
        fields = ["phrase", "expansion"]

    def clean_phrase(self) -> str:
        phrase = " ".join((self.cleaned_data.get("phrase") or "").split())
        if not phrase:
            raise forms.ValidationError("请填写市民说法")
        return phrase

    def clean_expansion(self) -> str:
        words = (self.cleaned_data.get("expansion") or "").replace("，", " ").replace(",", " ").split()
        if not words:
            raise forms.ValidationError("请至少填写一个规范用语")
        return " ".join(dict.fromkeys(words))


@admin.register(SearchSynonym)
class SearchSynonymAdmin(RoleScopedAdmin):
    form = SearchSynonymForm
    list_display = ("phrase", "expansion")
    list_editable = ("expansion",)
    search_fields = ("phrase", "expansion")
    ordering = ("phrase",)
    list_per_page = 100

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        # The inline-edited expansion gets the same normalisation as the change form.
        return super().get_changelist_form(request, form=SearchSynonymForm, **kwargs)
