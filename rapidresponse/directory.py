"""Everything the rapid-response page and API show for one state, in two queries.

National rows of networks.csv that are also national resources (the ICE detention line, the
detainee locator, the red cards, the legal directory) are shown once, as resources: a network
is "the same" as a resource when they share a number or a web address.
"""

from dataclasses import dataclass, field

from icetracker.geography import state_name
from rapidresponse.models import (
    NATIONAL,
    NationalResource,
    RapidResponseNetwork,
    ResourceKind,
    short_url,
)
from rapidresponse.neighbours import neighbours


@dataclass
class Directory:
    state: str
    local: list[RapidResponseNetwork] = field(default_factory=list)
    nearby: dict[str, list[RapidResponseNetwork]] = field(default_factory=dict)
    national: list[RapidResponseNetwork] = field(default_factory=list)
    resources: list[NationalResource] = field(default_factory=list)

    @property
    def state_name(self) -> str:
        return state_name(self.state) if self.state != NATIONAL else ""

    @property
    def nearby_states(self) -> list[tuple[str, list[RapidResponseNetwork]]]:
        return [(state_name(code), entries) for code, entries in self.nearby.items()]

    def resources_of(self, *kinds: str) -> list[NationalResource]:
        return [resource for resource in self.resources if resource.kind in kinds]

    def first_url(self, kind: str) -> str | None:
        return next((r.url for r in self.resources_of(kind) if r.url), None)

    @property
    def know_your_rights_url(self) -> str | None:
        return self.first_url(ResourceKind.KNOW_YOUR_RIGHTS)

    @property
    def ice_locator_url(self) -> str | None:
        return self.first_url(ResourceKind.DETAINEE_LOCATOR)

    @property
    def help_resources(self) -> list[NationalResource]:
        return self.resources_of(ResourceKind.KNOW_YOUR_RIGHTS, ResourceKind.LEGAL_DIRECTORY)

    @property
    def locator_resources(self) -> list[NationalResource]:
        return self.resources_of(ResourceKind.DETAINEE_LOCATOR)

    @property
    def hotline_resources(self) -> list[NationalResource]:
        return self.resources_of(ResourceKind.HOTLINE)

    def as_api(self) -> dict:
        """The API body: for US, the national entries are the state's own networks."""
        national = self.state == NATIONAL
        return {
            "state": self.state,
            "state_name": self.state_name or "United States",
            "networks": self.national if national else self.local,
            "know_your_rights_url": self.know_your_rights_url,
            "ice_locator_url": self.ice_locator_url,
            "national_networks": [] if national else self.national,
            "nearby_networks": [entry for entries in self.nearby.values() for entry in entries],
            "national_resources": self.resources,
        }


def comparable_url(url: str) -> str:
    return short_url(url.lower())


def listed_as_resource(network: RapidResponseNetwork, resources: list[NationalResource]) -> bool:
    numbers = {number for resource in resources for number in resource.dial_numbers}
    urls = {comparable_url(resource.url) for resource in resources if resource.url}
    return bool(numbers.intersection(network.dial_numbers)) or (
        bool(network.website_url) and comparable_url(network.website_url) in urls
    )


def page_order(network: RapidResponseNetwork) -> tuple:
    """Callable hotlines first, rapid-response lines before the rest, then by region."""
    return (
        not network.hotline_phone,
        not network.provides_rapid_response,
        network.region.lower(),
        network.organization_name.lower(),
    )


def build_directory(state: str) -> Directory:
    """The entries for `state` (a code, or US for the national page) and the national ones."""
    nearby_codes = neighbours(state)
    networks = list(
        RapidResponseNetwork.objects.active().filter(state__in={state, NATIONAL, *nearby_codes})
    )
    resources = list(NationalResource.objects.active())
    networks.sort(key=page_order)
    directory = Directory(state=state, resources=resources)
    directory.national = [
        network
        for network in networks
        if network.state == NATIONAL and not listed_as_resource(network, resources)
    ]
    if state != NATIONAL:
        directory.local = [network for network in networks if network.state == state]
    if not directory.local:
        for code in nearby_codes:
            entries = [network for network in networks if network.state == code]
            if entries:
                directory.nearby[code] = entries
    return directory


def covered_states() -> list[tuple[str, str]]:
    """(code, name) of every state with at least one active entry, by name."""
    codes = (
        RapidResponseNetwork.objects.active()
        .exclude(state=NATIONAL)
        .values_list("state", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(((code, state_name(code)) for code in codes), key=lambda item: item[1])
