"""Official statistics: the spec's `ice_stats` figures and ICE's detention-statistics releases.

`IceStat` holds sourced figures by period (the spec's table). The other tables hold the ICE
detention-statistics spreadsheets as parsed by the Deportation Data Project, without loss: one
row per row of their CSVs, with the release it came from (fiscal-year label, file date, pull
date). A release the importer found suspect keeps its rows, with `quality_note` saying why;
`usable()` leaves such rows out of everything the site shows.
"""

from datetime import date
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from stats.fiscal import Administration, FiscalYear

ICE_DETENTION_SOURCE = "ICE detention statistics (parsed by the Deportation Data Project)"
ICE_DETENTION_URL = "https://www.ice.gov/detain/detention-management"
# The one problem that concerns a row rather than its whole release (see FacilitiesImporter).
REPEATED_LISTING = "the release lists this facility"


class PeriodType(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year")
    CALENDAR_YEAR = "calendar_year", _("Calendar year")


class Agency(models.TextChoices):
    """The arresting agency a detention figure is broken down by."""

    ICE = "ICE", _("ICE")
    CBP = "CBP", _("CBP")
    ALL = "all", _("ICE and CBP")


class Criminality(models.TextChoices):
    """ICE's criminality categories, stored with ICE's own wording."""

    TOTAL = "Total", _("Total")
    CONVICTED = "Convicted Criminal", _("Convicted criminal")
    PENDING = "Pending Criminal Charges", _("Pending criminal charges")
    OTHER = "Other Immigration Violator", _("Other immigration violator (no criminal record)")
    NON_CRIMINAL = "Non-Criminal", _("Non-criminal")


class Sourced(models.Model):
    source_name = models.CharField(
        _("source name"), max_length=200, help_text=_("Who published the figure.")
    )
    source_url = models.URLField(
        _("source URL"), max_length=500, blank=True, help_text=_("Where the figure was published.")
    )
    import_run = models.ForeignKey(
        "imports.ImportRun",
        verbose_name=_("import run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The import that last wrote this row."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


# --- ice_stats ------------------------------------------------------------------------------


class IceStatQuerySet(models.QuerySet):
    def of_period(self, period_type: str) -> "IceStatQuerySet":
        return self.filter(period_type=period_type)

    def of_administration(self, administration: str) -> "IceStatQuerySet":
        return self.filter(administration=administration)

    def with_value(self, field: str) -> "IceStatQuerySet":
        return self.filter(**{f"{field}__isnull": False})


def _percent(name: str, help_text: str) -> models.DecimalField:
    return models.DecimalField(
        name, max_digits=5, decimal_places=2, null=True, blank=True, help_text=help_text
    )


def _count(name: str, help_text: str = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(name, null=True, blank=True, help_text=help_text)


class IceStat(Sourced):
    """A set of sourced figures for one period, from one source (the spec's `ice_stats`)."""

    stat_date = models.DateField(
        _("period start"), help_text=_("First day of the month, quarter or year described.")
    )
    period_type = models.CharField(_("period type"), max_length=20, choices=PeriodType)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        null=True,
        blank=True,
        help_text=_("US federal fiscal year (October 1 to September 30) the period belongs to."),
    )
    administration = models.CharField(
        _("administration"),
        max_length=20,
        choices=Administration,
        blank=True,
        help_text=_(
            "Administration in office; for a fiscal year that straddles January 20, the one in "
            "office for most of the year (the figure itself is not split)."
        ),
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("The day the figures describe the period up to, where the source says so."),
    )

    total_deportations = _count(_("removals"), _("Removals (deportations) in the period."))
    interior_removals = _count(
        _("interior removals"), _("ICE removals of people arrested inside the US.")
    )
    border_removals = _count(
        _("border removals"), _("Removals of people apprehended at the border.")
    )
    title_42_expulsions = _count(_("Title 42 expulsions"), _("Pandemic-era expulsions."))
    detention_population = _count(
        _("detention population"),
        _(
            "People in ICE detention: a point-in-time count, or the average daily population "
            "for a fiscal year (the note says which)."
        ),
    )
    pct_no_conviction = _percent(
        _("% with no criminal conviction"), _("Share of people detained with no conviction.")
    )
    pct_nonviolent_conviction = _percent(
        _("% with a non-violent conviction"), _("Share with only non-violent convictions.")
    )
    pct_violent_conviction = _percent(
        _("% with a violent conviction"), _("Share with a violent conviction.")
    )
    total_arrests = _count(_("arrests"), _("ICE administrative arrests."))
    arrests_no_criminal_record = _count(_("arrests with no criminal record"))
    arrests_violent_crime = _count(_("arrests for violent crime"))
    deaths_in_detention = _count(_("deaths in detention"), _("Deaths in ICE custody."))
    citizens_detained = _count(
        _("US citizens detained"),
        _("US citizens held by immigration agents (often a lower bound)."),
    )
    citizens_deported = _count(_("US citizens deported"))
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Caveats from the source file: secondary source, lower bound, conflicts."),
    )

    history = HistoricalRecords()
    objects = IceStatQuerySet.as_manager()

    FIGURE_FIELDS = (
        "total_deportations",
        "interior_removals",
        "border_removals",
        "title_42_expulsions",
        "detention_population",
        "pct_no_conviction",
        "pct_nonviolent_conviction",
        "pct_violent_conviction",
        "total_arrests",
        "arrests_no_criminal_record",
        "arrests_violent_crime",
        "deaths_in_detention",
        "citizens_detained",
        "citizens_deported",
    )

    class Meta:
        verbose_name = _("ICE statistic")
        verbose_name_plural = _("ICE statistics")
        ordering = ["-stat_date", "period_type", "source_name"]
        indexes = [
            models.Index(fields=["-stat_date"], name="ice_stats_date_idx"),
            models.Index(fields=["administration"], name="ice_stats_admin_idx"),
            models.Index(fields=["fiscal_year"], name="ice_stats_fy_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["stat_date", "period_type", "source_name"], name="ice_stats_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_type__in=PeriodType.values), name="ice_stats_period_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(administration__in=["", *Administration.values]),
                name="ice_stats_administration_valid",
            ),
            models.CheckConstraint(
                condition=~Q(period_type=PeriodType.FISCAL_YEAR) | Q(fiscal_year__isnull=False),
                name="ice_stats_fiscal_year_row_has_year",
            ),
            models.CheckConstraint(
                condition=Q(as_of__isnull=True) | Q(as_of__gte=F("stat_date")),
                name="ice_stats_as_of_after_start",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 0, f"{name}__lte": 100}),
                    name=f"ice_stats_{name}_range",
                )
                for name in (
                    "pct_no_conviction",
                    "pct_nonviolent_conviction",
                    "pct_violent_conviction",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.period_label} · {self.source_name}"

    @property
    def period_label(self) -> str:
        if self.period_type == PeriodType.FISCAL_YEAR:
            return f"FY{self.fiscal_year}"
        if self.period_type == PeriodType.CALENDAR_YEAR:
            return _("calendar year %(year)s") % {"year": self.stat_date.year}
        if self.period_type == PeriodType.QUARTER:
            return _("quarter from %(day)s") % {"day": self.stat_date.isoformat()}
        return self.stat_date.strftime("%Y-%m")

    @property
    def fiscal(self) -> FiscalYear | None:
        return FiscalYear(self.fiscal_year) if self.fiscal_year else None


# --- ICE detention-statistics releases ------------------------------------------------------


class ReleaseQuerySet(models.QuerySet):
    def usable(self) -> "ReleaseQuerySet":
        """Rows of releases with no data-quality problem: what charts and figures use."""
        return self.filter(quality_note="")

    def flagged(self) -> "ReleaseQuerySet":
        return self.exclude(quality_note="")

    def release_keys(self) -> list[tuple[int, date, date]]:
        rows = self.order_by().values_list("fiscal_year", "file_date", "pull_date").distinct()
        return list(rows)

    def of_releases(self, releases: list[tuple[int, date, date]]) -> "ReleaseQuerySet":
        if not releases:
            return self.none()
        return self.filter(
            reduce(
                or_,
                (Q(fiscal_year=fy, file_date=fd, pull_date=pd) for fy, fd, pd in releases),
            )
        )

    def latest_release_per_fiscal_year(self) -> "ReleaseQuerySet":
        """Rows of the last usable release of each fiscal year (runs one query to find them)."""
        best: dict[int, tuple[int, date, date]] = {}
        for release in self.usable().release_keys():
            fiscal_year, file_date, pull_date = release
            current = best.get(fiscal_year)
            if current is None or (pull_date, file_date) > (current[2], current[1]):
                best[fiscal_year] = release
        return self.usable().of_releases(list(best.values()))

    def latest_release(self) -> "ReleaseQuerySet":
        releases = self.usable().release_keys()
        if not releases:
            return self.none()
        latest = max(releases, key=lambda r: (r[2], r[1], r[0]))
        return self.usable().of_releases([latest])


class ReleaseRow(Sourced):
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (as labelled)"),
        help_text=_("The fiscal year the release is labelled with (which can be wrong)."),
    )
    file_date = models.DateField(
        _("file date"), help_text=_("The date in the release's file name.")
    )
    pull_date = models.DateField(
        _("as of (pull date)"),
        help_text=_('ICE\'s "data pulled on" date: the figures are as of this day.'),
    )
    quality_note = models.TextField(
        _("data-quality problem"),
        blank=True,
        help_text=_(
            "Why the importer found this release suspect. Flagged rows are kept but not used in "
            "charts or figures."
        ),
    )

    objects = ReleaseQuerySet.as_manager()

    RELEASE_FIELDS = ("fiscal_year", "file_date", "pull_date")

    class Meta:
        abstract = True
        ordering = ["-pull_date", "-file_date"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.release_label}"

    @property
    def release_label(self) -> str:
        return (
            f"FY{self.fiscal_year} release dated {self.file_date.isoformat()} "
            f"(pulled {self.pull_date.isoformat()})"
        )


def _release_unique(model: str, *extra: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["fiscal_year", "file_date", "pull_date", *extra], name=f"{model}_unique_row"
    )


def _non_negative(model: str, *names: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
            name=f"{model}_{name}_non_negative",
        )
        for name in names
    ]


class RemovalsToDate(ReleaseRow):
    """Removals in the fiscal year up to the pull date, as one release reported them."""

    removals = models.PositiveIntegerField(
        _("removals, fiscal year to date"), help_text=_("Removals from October 1 to the pull date.")
    )

    history = HistoricalRecords()

    class Meta(ReleaseRow.Meta):
        verbose_name = _("removals to date (ICE release)")
        verbose_name_plural = _("removals to date (ICE releases)")
        constraints = [_release_unique("removals")]


class DetainedByCriminality(ReleaseRow):
    """People in detention on the pull date by criminality, split by arresting agency."""

    criminality = models.CharField(_("criminality"), max_length=40, choices=Criminality)
    ice = models.PositiveIntegerField(_("arrested by ICE"))
    percent_ice = models.FloatField(
        _("share arrested by ICE"), null=True, blank=True, help_text=_("As a fraction (0 to 1).")
    )
    cbp = models.PositiveIntegerField(_("arrested by CBP"))
    percent_cbp = models.FloatField(
        _("share arrested by CBP"), null=True, blank=True, help_text=_("As a fraction (0 to 1).")
    )
    total = models.PositiveIntegerField(_("total"))

    history = HistoricalRecords()

    class Meta(ReleaseRow.Meta):
        verbose_name = _("currently detained by criminality")
        verbose_name_plural = _("currently detained by criminality")
        constraints = [
            _release_unique("detained", "criminality"),
            models.CheckConstraint(
                condition=Q(criminality__in=Criminality.values), name="detained_criminality_valid"
            ),
        ]


class MonthRow(ReleaseRow):
    agency = models.CharField(
        _("arresting agency"),
        max_length=3,
        choices=Agency,
        help_text=_("The section of the table: ICE arrests, CBP arrests, or both."),
    )
    criminality = models.CharField(
        _("criminality"),
        max_length=40,
        choices=Criminality,
        help_text=_('"Total" for the section\'s average row ("ICE Average", "Average"...).'),
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))

    class Meta(ReleaseRow.Meta):
        abstract = True

    @property
    def source_label(self) -> str:
        """The label of the row in ICE's table, e.g. "CBP Average" or "Convicted Criminal"."""
        if self.criminality != Criminality.TOTAL:
            return self.criminality
        return "Average" if self.agency == Agency.ALL else f"{self.agency} Average"


class MonthlyPopulation(MonthRow):
    """Average daily population in detention by month (ICE's "ADP" table)."""

    adp = models.FloatField(_("average daily population"), null=True, blank=True)
    adp_fy_ytd = models.FloatField(
        _("average daily population, fiscal year to date"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta(MonthRow.Meta):
        verbose_name = _("monthly average daily population")
        verbose_name_plural = _("monthly average daily population")
        constraints = [
            _release_unique("adp", "agency", "criminality", "month"),
            *_non_negative("adp", "adp", "adp_fy_ytd"),
        ]


class StayLength(MonthRow):
    """Average length of stay in detention by month."""

    avg_stay_length_days = models.FloatField(_("average stay (days)"), null=True, blank=True)
    avg_stay_length_days_fy_ytd = models.FloatField(
        _("average stay, fiscal year to date (days)"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta(MonthRow.Meta):
        verbose_name = _("monthly average length of stay")
        verbose_name_plural = _("monthly average length of stay")
        constraints = [
            _release_unique("stay", "agency", "criminality", "month"),
            *_non_negative("stay", "avg_stay_length_days", "avg_stay_length_days_fy_ytd"),
        ]


class BookIns(ReleaseRow):
    """Book-ins (admissions) into ICE detention by month and arresting agency."""

    arresting_agency = models.CharField(_("arresting agency"), max_length=3, choices=Agency)
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    book_ins = models.PositiveIntegerField(
        _("book-ins"), null=True, blank=True, help_text=_("Empty where the release has no figure.")
    )
    book_ins_ytd = models.PositiveIntegerField(
        _("book-ins, fiscal year to date"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta(ReleaseRow.Meta):
        verbose_name = _("book-ins by arresting agency")
        verbose_name_plural = _("book-ins by arresting agency")
        constraints = [_release_unique("bookins", "arresting_agency", "month")]


class DetentionFacilityQuerySet(models.QuerySet):
    def in_state(self, state: str) -> "DetentionFacilityQuerySet":
        return self.filter(state=state)


class DetentionFacility(models.Model):
    """A detention facility, as identified across ICE's releases by its name and city.

    Derived by the facilities importer from the rows of `FacilityPopulation`; the address is
    the public address of the institution.
    """

    key = models.CharField(
        _("matching key"),
        max_length=300,
        unique=True,
        help_text=_("Upper-cased name and city: how rows of different releases are matched."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("As in its latest listing."))
    slug = models.SlugField(_("slug"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(
        _("state"), max_length=2, blank=True, help_text=_("Latest state given for it.")
    )
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    aor = models.CharField(
        _("area of responsibility"), max_length=10, blank=True, help_text=_("ICE field office.")
    )
    facility_type = models.CharField(
        _("facility type"), max_length=40, blank=True, help_text=_("ICE's detailed type code.")
    )
    first_pull_date = models.DateField(_("first listed (pull date)"))
    last_pull_date = models.DateField(_("last listed (pull date)"))
    import_run = models.ForeignKey(
        "imports.ImportRun",
        verbose_name=_("import run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = DetentionFacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("detention facility")
        verbose_name_plural = _("detention facilities")
        ordering = ["name", "city"]
        indexes = [models.Index(fields=["state"], name="facility_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_pull_date__gte=F("first_pull_date")),
                name="facility_listed_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.city.title(), self.state) if part)
        return f"{self.name} ({place})"

    def get_absolute_url(self) -> str:
        return reverse("stats:facility", kwargs={"pk": self.pk, "slug": self.slug})


class FacilityPopulation(ReleaseRow):
    """One facility's row in one release: its listing and average daily population by level."""

    facility = models.ForeignKey(
        DetentionFacility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="populations",
    )
    listing = models.PositiveSmallIntegerField(
        _("listing"),
        default=1,
        help_text=_("1, or 2 and up when a release lists the same facility more than once."),
    )
    name = models.CharField(_("name as listed"), max_length=200)
    address = models.CharField(_("address as listed"), max_length=200, blank=True)
    city = models.CharField(_("city as listed"), max_length=100)
    state = models.CharField(_("state as listed"), max_length=2, blank=True)
    zip_code = models.CharField(_("ZIP code as listed"), max_length=10, blank=True)
    aor = models.CharField(_("area of responsibility"), max_length=10, blank=True)
    type_detailed = models.CharField(_("facility type"), max_length=40, blank=True)
    male_female = models.CharField(_("male/female"), max_length=20, blank=True)
    level_a = models.FloatField(
        _("level A"), null=True, blank=True, help_text=_("ADP, lowest threat level.")
    )
    level_b = models.FloatField(_("level B"), null=True, blank=True)
    level_c = models.FloatField(_("level C"), null=True, blank=True)
    level_d = models.FloatField(
        _("level D"), null=True, blank=True, help_text=_("ADP, highest threat level.")
    )
    male_crim = models.FloatField(_("male criminal ADP"), null=True, blank=True)
    alos = models.FloatField(_("average length of stay (days)"), null=True, blank=True)
    population = models.FloatField(
        _("average daily population"),
        null=True,
        blank=True,
        help_text=_("Level A + B + C + D (empty when the release gives no level)."),
    )

    history = HistoricalRecords()

    class Meta(ReleaseRow.Meta):
        verbose_name = _("facility population (ICE release)")
        verbose_name_plural = _("facility populations (ICE releases)")
        constraints = [
            _release_unique("facilitypop", "facility", "listing"),
            *_non_negative("facilitypop", "level_a", "level_b", "level_c", "level_d", "population"),
        ]
        indexes = [models.Index(fields=["facility", "pull_date"], name="facilitypop_trend_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.pull_date.isoformat()}"
