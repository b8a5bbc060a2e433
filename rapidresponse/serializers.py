"""API shapes: the spec's RapidResponseResponse, plus sources, dates and national entries."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rapidresponse.models import NETWORK_STATE_CODES, NationalResource, RapidResponseNetwork


class RapidResponseQuery(serializers.Serializer):
    state = serializers.CharField(
        max_length=10,
        help_text=_(
            "Two-letter state, DC or territory code (any case), or US for national entries."
        ),
    )

    def validate_state(self, value: str) -> str:
        code = value.strip().upper()
        if code not in NETWORK_STATE_CODES:
            raise serializers.ValidationError(
                _("Not a US state, DC or territory code (or US for national entries).")
            )
        return code


class VerifiedFields(serializers.Serializer):
    call_links = serializers.SerializerMethodField(
        help_text=_("tel: links built from the published number (vanity letters dialled).")
    )
    last_verified = serializers.SerializerMethodField(
        help_text=_('ISO 8601 at the precision known: "2019-07-14", "2025-10" or "2025".')
    )
    needs_reverification = serializers.SerializerMethodField(
        help_text=_("True when last verified more than 180 days ago, or never.")
    )

    def get_call_links(self, obj) -> list[str]:
        return ["tel:" + number for number in obj.dial_numbers]

    def get_last_verified(self, obj) -> str | None:
        return obj.last_verified_iso or None

    def get_needs_reverification(self, obj) -> bool:
        return obj.needs_reverification()


class NetworkSerializer(VerifiedFields, serializers.ModelSerializer):
    state = serializers.CharField(help_text=_("Two-letter code, or US for a national entry."))
    languages = serializers.ListField(
        child=serializers.CharField(), help_text=_("ISO 639 language codes.")
    )

    class Meta:
        model = RapidResponseNetwork
        fields = [
            "organization_name",
            "region",
            "hotline_phone",
            "hotline_hours",
            "website_url",
            "provides_legal_aid",
            "provides_rapid_response",
            "languages",
            "state",
            "email",
            "provides_know_your_rights",
            "languages_note",
            "notes",
            "call_links",
            "last_verified",
            "last_verified_precision",
            "needs_reverification",
            "source_url",
            "source_note",
        ]


class NationalResourceSerializer(VerifiedFields, serializers.ModelSerializer):
    class Meta:
        model = NationalResource
        fields = [
            "key",
            "kind",
            "title",
            "url",
            "phone",
            "description",
            "call_links",
            "last_verified",
            "last_verified_precision",
            "needs_reverification",
            "source_url",
            "source_note",
        ]


class RapidResponseSerializer(serializers.Serializer):
    state = serializers.CharField()
    networks = NetworkSerializer(
        many=True, help_text=_("Active entries for the state (national entries for US).")
    )
    know_your_rights_url = serializers.CharField(
        allow_null=True, help_text=_("Know-your-rights material (ILRC red cards).")
    )
    ice_locator_url = serializers.CharField(
        allow_null=True, help_text=_("ICE Online Detainee Locator.")
    )
    state_name = serializers.CharField()
    national_networks = NetworkSerializer(
        many=True, help_text=_("National hotlines, for every state (empty when state is US).")
    )
    nearby_networks = NetworkSerializer(
        many=True,
        help_text=_("Entries in neighbouring states, given only when the state has none."),
    )
    national_resources = NationalResourceSerializer(many=True)
