"""Reading one row: the mapped cells of a spreadsheet row become cleaned person, household and
enrolment values with the issues found in them. Also the file-level duplicate rule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.domain.nik import PROVINCES as PROVINCES_BY_CODE
from desktop_app.domain.nik import Issue, validate_kk, validate_nik
from desktop_app.domain.programs import DETAIL_ABH_ROLE, DETAIL_DISABILITY_RAGAM, PROGRAMS
from desktop_app.domain.status import Relation, parse_relation
from desktop_app.domain.status import parse_sex as _parse_sex
from desktop_app.services.context import AppContext
from desktop_app.services.importing.cleaning import (
    clean_id_cell,
    clean_name,
    clean_phone,
    clean_rt,
    clean_text,
    formula_cell_warning,
    is_blank,
    looks_like_formula,
    month_first_reading,
    month_first_with_nik,
    number_cell_warning,
    parse_date_cell,
    split_birth_place_date,
    split_rt_rw,
    text_of,
)
from desktop_app.services.importing.fields import ImportKind
from desktop_app.services.importing.headers import FIELD_BY_KEY, header_key
from desktop_app.services.importing.layouts import ImportLayout, code_key
from desktop_app.services.importing.messages import error_issue as _error
from desktop_app.services.importing.messages import warning_issue as _warning

__all__ = [
    "Candidate",
    "RowParser",
    "flag_duplicates",
    "household_roles",
    "program_code",
    "read_list_status",
]

_FORMULA_FIRST = "=+-@"  # first characters worth a closer look (looks_like_formula)

_MEMO_LIMIT = 100_000  # distinct cell texts remembered per cleaner


def _memoised(clean: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """`clean` remembered per distinct text cell. A list repeats its birth places, streets, RT
    and RW on thousands of rows: each distinct text is cleaned once, and every row shares one
    string instead of holding its own copy (a 160,000-row import keeps all of them until it is
    written). Other cell types (numbers, dates) are cleaned each time."""
    cache: dict[str, str | None] = {}

    def memo(raw: Any) -> str | None:
        if type(raw) is not str:
            return clean(raw)
        try:
            return cache[raw]
        except KeyError:
            value = clean(raw)
            if len(cache) < _MEMO_LIMIT:
                cache[raw] = value
            return value

    return memo


@dataclass(slots=True)
class Candidate:
    row: int
    values: dict[str, Any]  # person fields (model column names) with non-empty values
    errors: list[Issue]
    warnings: list[Issue]
    kk_number: str | None = None
    relation: str | None = None
    relation_given: bool = False
    program: str | None = None
    start_date: date | None = None
    # Enrolment details (ragam, ABH role); None until a row has one: 160,000 rows do not each
    # hold an empty dict.
    details: dict[str, Any] | None = None
    has_id: bool = False  # any text in the NIK or KK cell (for the footer rule)
    shown_nik: str | None = None  # an unusable NIK cell as written, for reports
    # What the list says about the person's status and need (read_list_status): the list's own
    # status ("mati", "tidak_valid", ...) as written, and a disability it records.
    list_status: str | None = None
    list_status_text: str | None = None
    disability: str | None = None
    disability_ragam: Sequence[str] = ()
    # A recognised layout's extra columns on this row (extra field -> decoded cell): SIAK
    # Status, Cacat, Agama ... for the rules that turn them into review items.
    extras: dict[str, Any] | None = None
    # The programme a participant list names on this row (a Program / Nama Program column of a
    # recognised layout); the planner falls back to the one the list names for all rows.
    list_program: str | None = None


_RAGAM_WORDS: dict[str, str] = {
    "fisik": "fisik",
    "daksa": "fisik",
    "tunadaksa": "fisik",
    "intelektual": "intelektual",
    "grahita": "intelektual",
    "tunagrahita": "intelektual",
    "mental": "mental",
    "psikososial": "mental",
    "tunalaras": "mental",
    "netra": "sensorik_netra",
    "tunanetra": "sensorik_netra",
    "sensoriknetra": "sensorik_netra",
    "rungu": "sensorik_rungu",
    "tunarungu": "sensorik_rungu",
    "sensorikrungu": "sensorik_rungu",
    "wicara": "sensorik_wicara",
    "tunawicara": "sensorik_wicara",
    "sensorikwicara": "sensorik_wicara",
}


def _ragam(value: Any) -> tuple[list[str], list[str]]:
    known: list[str] = []
    unknown: list[str] = []
    text = (clean_text(value) or "").lower()
    for part in text.replace(";", ",").replace("/", ",").replace(" dan ", ",").split(","):
        key = "".join(ch for ch in part if ch.isalnum())
        if not key:
            continue
        if key.startswith("disabilitas"):
            key = key[len("disabilitas") :]
        mapped = _RAGAM_WORDS.get(key)
        if mapped is None:
            unknown.append(part.strip())
        elif mapped not in known:
            known.append(mapped)
    return known, unknown


class RowParser:
    """Turns the mapped cells of one row into cleaned person/household values and issues.

    This runs once per row of files with 160,000 rows, so the common case (text that is already
    clean, a well-formed NIK that agrees with the row) takes short cuts that give exactly what
    the general cleaners and validators would.
    """

    def __init__(
        self,
        ctx: AppContext,
        mapping: dict[str, int],
        kind: ImportKind,
        *,
        layout: ImportLayout | None = None,
        extras: dict[str, int] | None = None,
    ) -> None:
        self.ctx = ctx
        self.layout = layout
        # Coded columns of a recognised layout (Dukcapil 1/2 for sex, SHDK 1..11): the code
        # tables of the layout file, looked up once per distinct cell value.
        self.codes = {
            key: table for key, table in (layout.codes.items() if layout else ()) if key in mapping
        }
        self.extra_cols = sorted((extras or {}).items(), key=lambda item: item[1])
        self.kind = kind
        self.today = ctx.clock.today()
        self.office_province = ctx.office.province_code
        province = (ctx.office.province_code or "").strip().split(".")[0]
        # Short cuts below compare against the office's province; without a valid one, none.
        self.province = province if province in PROVINCES_BY_CODE else ""
        self.cols = sorted(mapping.items(), key=lambda item: item[1])
        self.mapping = mapping
        self.has_kk = "kk_number" in mapping
        self._regions: dict[tuple[str, str], tuple[str | None, Issue | None]] = {}
        self._sexes: dict[str, str | None] = {}
        self._relations: dict[str, Relation | None] = {}
        self._clean_text = _memoised(clean_text)  # birth place, street
        self._clean_rt = _memoised(clean_rt)
        self._kks: dict[str, str] = {}  # one string per KK number, shared by its members

    def cells(self, row: list[Any]) -> dict[str, Any]:
        """The mapped, non-empty cells of a row by field."""
        out: dict[str, Any] = {}
        width = len(row)
        for key, col in self.cols:
            if col < width:
                value = row[col]
                if value is None:
                    continue
                if type(value) is str:
                    if not value or value.isspace():
                        continue
                elif isinstance(value, str) and not value:  # a str subclass ("" as before)
                    continue
                out[key] = value
        if self.codes:
            for key, table in self.codes.items():
                if key in out:
                    out[key] = table.get(code_key(out[key]), out[key])
        return out

    def extra_cells(self, row: list[Any]) -> dict[str, Any] | None:
        """The layout's extra columns of a row (decoded through its code tables)."""
        if not self.extra_cols:
            return None
        out: dict[str, Any] = {}
        width = len(row)
        layout = self.layout
        for key, col in self.extra_cols:
            if col < width and not is_blank(row[col]):
                out[key] = layout.decode(key, row[col]) if layout else row[col]
        return out

    def parse(self, number: int, row: list[Any]) -> Candidate:
        cells = self.cells(row)
        errors: list[Issue] = []
        warnings: list[Issue] = []
        values: dict[str, Any] = {}
        cand = Candidate(number, values, errors, warnings)
        if self.extra_cols:
            cand.extras = self.extra_cells(row)
        get = cells.get
        for key, value in cells.items():
            if type(value) is str and value[:1] in _FORMULA_FIRST and looks_like_formula(value):
                label = FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else key
                warnings.append(formula_cell_warning(label, value))

        raw_nik = get("nik")
        raw_kk = get("kk_number")
        cand.has_id = raw_nik is not None or raw_kk is not None

        raw_name = get("name")
        if raw_name is not None:
            name = clean_name(raw_name)
            if name:
                values["name"] = name
        self._sex(cells, values, errors)
        self._birth(cells, values, errors)
        self._address(cells, values, errors)
        if "phone" in cells:
            phone = clean_phone(cells["phone"])
            if phone:
                values["phone"] = phone
        if "notes" in cells:
            notes = clean_text(cells["notes"])
            if notes:
                values["notes"] = notes

        nik, problem = clean_id_cell(raw_nik, "NIK")
        if problem:
            errors.append(problem)
            cand.shown_nik = text_of(raw_nik)  # what the sender sees in the cell
        elif nik is None:
            errors.append(_error("import.nik_missing", "NIK kosong: baris tanpa NIK tidak dapat "
                                 "dicocokkan dengan registri."))  # fmt: skip
        else:
            values["nik"] = nik
            if errors and "birth_date" in cells:
                self._month_first_hint(nik, cells["birth_date"], errors)
            if isinstance(raw_nik, int | float):
                warnings.append(number_cell_warning("NIK"))
            if not self._nik_agrees(nik, values.get("birth_date"), values.get("sex")):
                for issue in validate_nik(
                    nik,
                    birth_date=values.get("birth_date"),
                    sex=values.get("sex"),
                    office_province=self.office_province,
                    today=self.today,
                ):
                    (errors if issue.is_error else warnings).append(issue)

        if self.has_kk:
            kk, problem = clean_id_cell(raw_kk, "No. KK")
            if problem:
                errors.append(problem)
            elif kk is not None:
                cand.kk_number = kk = self._kks.setdefault(kk, kk)
                if isinstance(raw_kk, int | float):
                    warnings.append(number_cell_warning("No. KK"))
                if not self._kk_is_clean(kk):
                    for issue in validate_kk(kk, office_province=None, today=self.today):
                        (errors if issue.is_error else warnings).append(issue)
            elif self.kind == ImportKind.HOUSEHOLDS:
                errors.append(_error("import.kk_missing", "No. KK kosong."))

        raw_relation = get("relation")
        if raw_relation is not None:
            key = text_of(raw_relation)
            if key not in self._relations:
                self._relations[key] = parse_relation(key)
            relation = self._relations[key]
            if relation is None:
                warnings.append(
                    _warning(
                        "import.relation_unknown",
                        "Hubungan keluarga '{value}' tidak dikenal; dikosongkan.",
                        value=key,
                    )
                )
            else:
                cand.relation = relation.value
                cand.relation_given = True

        if self.kind == ImportKind.ENROLMENTS:
            self._enrolment(cells, cand)
        extras = cand.extras
        if extras and ("status" in extras or "disability" in extras or "status_regsosek" in extras):
            read_list_status(extras, cand)
        if extras and ("relation_dtks" in extras or "head_name" in extras):
            household_roles(extras, cand)
        if extras and extras.get("program_name") is not None:
            cand.list_program = clean_text(extras["program_name"])
        return cand

    def _month_first_hint(self, nik: str, raw: Any, errors: list[Issue]) -> None:
        """A refused 07/26/1964 whose month-first reading the NIK's date digits confirm: the
        refusal says so, so the clerk fixes the column's format at once (still refused: a date
        is never swapped)."""
        for i, issue in enumerate(errors):
            if issue.code != "date.format":
                continue
            reading = month_first_reading(raw, self.today)
            if reading is None or len(nik) != 16 or not nik.isdigit():
                return
            dd = int(nik[6:8])
            day = dd - 40 if dd > 40 else dd
            if (day, int(nik[8:10]), int(nik[10:12])) == (
                reading.day,
                reading.month,
                reading.year % 100,
            ):
                errors[i] = month_first_with_nik(raw, reading)
            return

    def _nik_agrees(self, nik: str, born: date | None, sex: str | None) -> bool:
        """True when validate_nik would find nothing to say: a well-formed NIK of the office's
        province whose birth date and sex digits agree with the row. Anything else goes
        through validate_nik for its messages."""
        if born is None or sex is None or len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
            return False
        if nik[:2] != self.province or nik[2:4] == "00" or nik[4:6] == "00":
            return False
        if nik[12:] == "0000" or born > self.today:
            return False
        dd = int(nik[6:8])
        nik_sex, day = ("P", dd - 40) if dd > 40 else ("L", dd)
        return (
            sex == nik_sex
            and day == born.day
            and int(nik[8:10]) == born.month
            and int(nik[10:12]) == born.year % 100
        )

    def _kk_is_clean(self, kk: str) -> bool:
        """True when validate_kk (without the province check) would find nothing to say."""
        if len(kk) != 16 or not (kk.isascii() and kk.isdigit()):
            return False
        if kk[:2] != self.province or kk[2:4] == "00":
            return False
        try:
            issued = date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        except ValueError:
            return False
        return issued <= self.today

    def _sex(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        raw = cells.get("sex")
        if raw is not None:
            key = raw if type(raw) is str else text_of(raw)
            sex = self._sexes.get(key, "?")
            if sex == "?":
                sex = self._sexes[key] = _parse_sex(key)
            if sex is None:
                errors.append(
                    _error(
                        "import.sex",
                        "Jenis kelamin '{value}' tidak dikenal (isi L atau P).",
                        value=key,
                    )
                )
            else:
                values["sex"] = sex
            return
        male = "sex_male_mark" in cells
        female = "sex_female_mark" in cells
        if male and female:
            errors.append(_error("import.sex", "Kolom L dan P sama-sama diisi."))
        elif male or female:
            values["sex"] = "L" if male else "P"

    def _birth(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        place = self._clean_text(cells.get("birth_place"))
        raw_date = cells.get("birth_date")
        born: date | None
        problem: Issue | None
        if type(raw_date) is date:
            born, problem = raw_date, None
        else:
            born, problem = parse_date_cell(raw_date, self.today)
        combined = cells.get("birth_place_date")
        if combined is not None and (place is None or born is None):
            c_place, c_born, c_problem = split_birth_place_date(combined, self.today)
            place = place or c_place
            if born is None and problem is None:
                born, problem = c_born, c_problem
        if place:
            values["birth_place"] = place
        if problem:
            errors.append(problem)
        elif born is not None:
            if born > self.today:
                errors.append(
                    _error(
                        "import.birth_future",
                        "Tanggal lahir {value} ada di masa depan.",
                        value=born.strftime("%d-%m-%Y"),
                    )
                )
            elif born.year < 1900:
                errors.append(
                    _error(
                        "import.birth_old",
                        "Tanggal lahir {value} tidak masuk akal.",
                        value=born.strftime("%d-%m-%Y"),
                    )
                )
            else:
                values["birth_date"] = born

    def _address(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        street = self._clean_text(cells.get("street"))
        if street:
            values["street"] = street
        rt, rw = self._clean_rt(cells.get("rt")), self._clean_rt(cells.get("rw"))
        combined = cells.get("rt_rw")
        if combined is not None and (rt is None or rw is None):
            c_rt, c_rw = split_rt_rw(combined)
            if c_rt is None:
                errors.append(
                    _error(
                        "import.rt_rw",
                        "RT/RW '{value}' tidak dapat dibaca (tulis seperti 003/002).",
                        value=text_of(combined),
                    )
                )
            rt, rw = rt or c_rt, rw or c_rw
        if rt:
            values["rt"] = rt
        if rw:
            values["rw"] = rw
        raw_kel = cells.get("kelurahan")
        if raw_kel is not None:
            raw_kec = cells.get("kecamatan")
            key = (
                raw_kel if type(raw_kel) is str else text_of(raw_kel),
                "" if raw_kec is None else raw_kec if type(raw_kec) is str else text_of(raw_kec),
            )
            found = self._regions.get(key)
            if found is None:
                kel = clean_text(raw_kel) or ""
                kec = clean_text(raw_kec) or ""
                found = self._regions[key] = self._region(kel, kec) if kel else (None, None)
            code, problem = found
            if problem:
                errors.append(problem)
            elif code:
                values["kelurahan_code"] = code

    def _region(self, kel: str, kec: str) -> tuple[str | None, Issue | None]:
        regions = self.ctx.regions
        parent = regions.match_name(kec, "kecamatan") if kec else None
        found = regions.match_name(kel, "kelurahan", parent.code if parent else None)
        result: tuple[str | None, Issue | None]
        if found is None and parent is not None:
            # The kecamatan column may be the one that is wrong.
            found = regions.match_name(kel, "kelurahan")
        if found is not None:
            result = (found.code, None)
        else:
            close = regions.suggest(kel, "kelurahan", parent.code if parent else None)
            hint = f" Mungkin maksudnya: {', '.join(r.name for r in close)}." if close else ""
            ambiguous = not close and any(
                r.name.casefold() == kel.casefold() for r in regions.kelurahan()
            )
            if ambiguous:
                hint = " Nama ini ada di lebih dari satu kecamatan; isi kolom KECAMATAN."
            result = (
                None,
                _error(
                    "import.kelurahan",
                    "Kelurahan '{value}' tidak dikenal.{hint}",
                    value=kel,
                    hint=hint,
                ),
            )
        return result

    def _enrolment(self, cells: dict[str, Any], cand: Candidate) -> None:
        raw_program = cells.get("program")
        if raw_program is not None:
            text = text_of(raw_program).strip()
            code = program_code(text)
            if code is None:
                cand.errors.append(
                    _error(
                        "import.program",
                        "Program '{value}' tidak dikenal. Kode yang ada: {codes}.",
                        value=text,
                        codes=", ".join(PROGRAMS),
                    )
                )
            else:
                cand.program = code
        start, problem = parse_date_cell(cells.get("start_date"), self.today)
        if problem:
            cand.errors.append(problem)
        cand.start_date = start
        raw_ragam = cells.get("ragam")
        if raw_ragam is not None:
            known, unknown = _ragam(raw_ragam)
            if unknown:
                cand.errors.append(
                    _error(
                        "import.ragam",
                        "Ragam disabilitas tidak dikenal: {value}.",
                        value=", ".join(unknown),
                    )
                )
            cand.details = {**(cand.details or {}), DETAIL_DISABILITY_RAGAM: known}
        raw_role = cells.get("abh_role")
        if raw_role is not None:
            role = (clean_text(raw_role) or "").lower()
            for word in ("pelaku", "korban", "saksi"):
                if word in role:
                    role = word
            cand.details = {**(cand.details or {}), DETAIL_ABH_ROLE: role}


def program_code(text: str) -> str | None:
    key = header_key(text)
    for program in PROGRAMS.values():
        if key in (header_key(program.code), header_key(program.short), header_key(program.name)):
            return program.code
    return None


def flag_duplicates(candidates: list[Candidate]) -> None:
    """Rows that repeat a NIK: identical repeats are rejected as duplicates of the first; rows
    that give one NIK different contents are all rejected."""
    seen: dict[str, list[Candidate]] = {}
    for cand in candidates:
        nik = cand.values.get("nik")
        if nik is not None and not cand.errors:
            seen.setdefault(nik, []).append(cand)
    for rows in seen.values():
        if len(rows) < 2:
            continue
        first = rows[0]

        def signature(c: Candidate) -> tuple:
            return (sorted(c.values.items()), c.kk_number, c.relation, c.program)

        if all(signature(c) == signature(first) for c in rows[1:]):
            for cand in rows[1:]:
                cand.errors.append(
                    _error(
                        "import.duplicate",
                        "Duplikat: isinya sama dengan baris {row}.",
                        row=first.row,
                    )
                )
            continue
        numbers = ", ".join(str(c.row) for c in rows)
        for cand in rows:
            cand.errors.append(
                _error(
                    "import.conflict",
                    "NIK yang sama muncul di baris {rows} dengan isi berbeda; tentukan mana "
                    "yang benar di berkas.",
                    rows=numbers,
                )
            )


# -- what a list says about status and need (SIAK Status, Cacat) ---------------------------------

# A list's own status of a person -> the kind of review it asks for. "hidup" asks for none.
_LIFE_STATUS: dict[str, str] = {
    "HIDUP": "hidup",
    "AKTIF": "hidup",
    "ADA": "hidup",
    "MATI": "mati",
    "MENINGGAL": "mati",
    "MENINGGALDUNIA": "mati",
    "WAFAT": "mati",
    "TIDAKVALID": "tidak_valid",
    "INVALID": "tidak_valid",
    "PINDAH": "pindah",
    "PINDAHKELUAR": "pindah",
    "PERGI": "pindah",
    "HILANG": "hilang",
    # DTKS/BDT status keberadaan ART and Regsosek 2022 keterangan keberadaan (dtks.json).
    "TINGGALDIRUTA": "hidup",
    "ANGGOTARUMAHTANGGABARU": "hidup",
    "TINGGALBERSAMAKELUARGA": "hidup",
    "ANGGOTAKELUARGABARU": "hidup",
    "TIDAKTINGGALDIRUTAPINDAH": "pindah",
    "TIDAKTINGGALBERSAMAKELUARGAPINDAH": "pindah",
    "TIDAKTINGGALBERSAMAKELUARGAPINDAHKEDAERAHLAINDIINDONESIA": "pindah",
    "TIDAKTINGGALBERSAMAKELUARGAPINDAHKELUARNEGERI": "pindah",
    "KESALAHANPRELIST": "tidak_valid",
    "TIDAKDITEMUKAN": "hilang",
}
# Cells that say "no disability".
_NO_DISABILITY = {
    "", "0", "T", "N", "NO", "TIDAK", "TIDAKADA", "TIDAKCACAT", "BUKAN", "NORMAL", "SEHAT",
    "NONDISABILITAS", "TIDAKDISABILITAS", "BUKANPENYANDANGDISABILITAS", "TDK", "TIDAKMEMILIKI",
}  # fmt: skip
_YES_DISABILITY = {"Y", "YA", "ADA", "CACAT", "DISABILITAS", "PENYANDANGDISABILITAS"}
# Old words for ragam that SIAK's Cacat values use ("CACAT NETRA/BUTA", "CACAT MENTAL/JIWA").
_OLD_RAGAM = {"buta": "netra", "jiwa": "mental", "tuli": "rungu", "bisu": "wicara"}


def read_list_status(extras: dict[str, Any], cand: Candidate) -> None:
    """The list's Status (SIAK: Hidup / Mati / Tidak Valid / Pindah) and Cacat columns: the
    extra columns "status" and "disability" of a recognised layout (layouts.py), decoded.

    Neither changes anything by itself: a status other than alive makes the row a review item
    (the planner decides, against the registry), and a disability becomes a suggestion to enrol
    in the disability register that a person reviews. Unknown statuses are a warning."""
    raw = extras.get("status")
    if raw is None:
        raw = extras.get("status_regsosek")  # Regsosek's own codes, decoded the same way
    if raw is not None:
        text = clean_text(raw) or ""
        status = _LIFE_STATUS.get(header_key(text))
        if status is None and text:
            cand.warnings.append(
                _warning(
                    "import.list_status_unknown",
                    "Status '{value}' di daftar tidak dikenal (Hidup, Mati, Tidak Valid, "
                    "Pindah); diabaikan.",
                    value=text,
                )
            )
        elif status is not None and status != "hidup":
            cand.list_status, cand.list_status_text = status, text.upper()
    raw = extras.get("disability")
    if raw is not None:
        text = clean_text(raw) or ""
        key = header_key(text)
        if key in _NO_DISABILITY or key.startswith("TIDAK") or key.startswith("BUKAN"):
            return
        cand.disability = text.upper()
        if key in _YES_DISABILITY:
            return
        words = text.lower()
        for word in ("penyandang", "cacat", "disabilitas", "lainnya", "lain-lain"):
            words = words.replace(word, " ")
        for old, new in _OLD_RAGAM.items():
            words = words.replace(old, new)
        known, _unknown = _ragam(words.replace(" ", ","))
        cand.disability_ragam = known


# -- DTKS / BDT / Regsosek: relation codes and the head named on every row ----------------------

# DTKS/BDT "hubungan dengan kepala keluarga" after the layout's code table: the shared codes name
# two relations, decided by the member's sex.
_BY_SEX = {"SUAMIISTRI": ("Suami", "Istri"), "ISTRISUAMI": ("Suami", "Istri"),
           "ORANGTUAMERTUA": ("Orang Tua", "Orang Tua")}  # fmt: skip


def household_roles(extras: dict[str, Any], cand: Candidate) -> None:
    """Relations of a DTKS/BDT/Regsosek members sheet.

    - "relation_dtks": the household list's own relation code ("Istri/Suami" is one code; the
      member's sex decides). Used only when the row has no SHDK column of its own.
    - "head_name" (Nama KRT / Nama Kepala Keluarga, repeated on every member's row): the member
      whose own name is exactly that name is the head, when no relation says otherwise. The
      names are compared within the row only; no record is ever matched by name."""
    if cand.relation is None and "relation_dtks" in extras:
        text = clean_text(extras["relation_dtks"]) or ""
        pair = _BY_SEX.get(header_key(text))
        if pair is not None:
            sex = cand.values.get("sex")
            text = pair[0] if sex == "L" else pair[1] if sex == "P" else ""
        relation = parse_relation(text) if text else None
        if relation is not None:
            cand.relation, cand.relation_given = relation.value, True
    head = extras.get("head_name")
    name = cand.values.get("name")
    if cand.relation is None and head is not None and name is not None and clean_name(head) == name:
        cand.relation, cand.relation_given = Relation.KEPALA.value, True
