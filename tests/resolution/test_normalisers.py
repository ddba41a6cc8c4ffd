"""Normalisers: exact keys for names across scripts, phones, dates, ids; Hypothesis properties."""

from __future__ import annotations

from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tiaki.resolution import records
from tiaki.resolution.dates import parse_birth_date
from tiaki.resolution.names import fold, loose, normalise_name
from tiaki.resolution.phones import normalise_phone
from tiaki.resolution.records import normalise_address, normalise_country, normalise_id_number
from tiaki.resolution.transliteration import romanise


def test_vietnamese_name_in_any_order_and_with_or_without_diacritics_shares_keys() -> None:
    keys = [normalise_name(n) for n in ("Trần Văn Hùng", "Tran Van Hung", "HUNG TRAN VAN")]
    assert {k.sorted for k in keys} == {"hung tran van"}
    assert {k.loose for k in keys} == {"hunk tlan wan"}
    assert keys[0].original == "Trần Văn Hùng"
    assert keys[0].folded == "tran van hung"


def test_thai_script_meets_informal_romanisation() -> None:
    thai, latin = normalise_name("วิชัย บุญมี"), normalise_name("Wichai Boonmee")
    assert thai.script == "thai"
    assert thai.latin == "wichai bunmi"
    assert latin.latin == "wichai boonmee"
    assert thai.loose == latin.loose == "punmi wicai"
    assert thai.joined == latin.joined == "wicaipunmi"


def test_thai_title_attached_to_the_name_is_held_apart() -> None:
    keys = normalise_name("นายวิชัย บุญมี")
    assert keys.honorifics == "nai"
    assert keys.latin == "wichai bunmi"


def test_burmese_script_meets_conventional_spelling_and_titles_are_held_apart() -> None:
    script = normalise_name("ဦးမင်းအောင်လှိုင်")
    latin = normalise_name("U Min Aung Hlaing")
    assert script.latin == "min aung hlaing"
    assert script.honorifics == "u"
    assert latin.honorifics == "u"
    assert script.loose == latin.loose
    assert normalise_name("Daw Aung San Suu Kyi").joined == normalise_name("Aungsan Suukyi").joined


def test_burmese_creaky_nasal_is_written_with_t() -> None:
    assert romanise("မြင့်") == "myint"
    assert romanise("သန့်") == "thant"
    assert romanise("ကျော်") == "kyaw"


def test_burmese_title_is_not_cut_from_a_name_syllable() -> None:
    # မ is the title "Ma" but also the first letter of မင်း (Min).
    assert normalise_name("မင်း").latin == "min"
    assert normalise_name("မင်း").honorifics == ""


def test_sinhala_and_tamil_romanisation() -> None:
    assert romanise("කුමාර පෙරේරා") == "kumara perera"
    assert romanise("முருகன் செல்வராஜ்") == "murugan selvaraj"
    assert normalise_name("முருகன்").loose == normalise_name("Murugan").loose


def test_particles_and_honorifics_from_data() -> None:
    assert normalise_name("Ahmad bin Ismail").latin == "ahmad ismail"
    assert normalise_name("Muthu a/l Rajan").latin == "muthu rajan"
    bapak = normalise_name("Bapak Joko Widodo")
    assert (bapak.latin, bapak.honorifics) == ("joko widodo", "bapak")
    # A title is only removed while a name remains.
    assert normalise_name("Maung Maung").latin == "maung"
    assert normalise_name("Ko").latin == "ko"


def test_nickname_in_quotes_is_its_own_field() -> None:
    keys = normalise_name('Somchai "Chai" Jaidee')
    assert keys.aliases == "Chai"
    assert keys.latin == "somchai jaidee"


def test_loose_spelling_rules() -> None:
    assert loose("boonmee") == loose("bunmi") == "punmi"
    assert loose("htun") == loose("tun") == "tun"


def test_vietnamese_phone_with_partner_default_region() -> None:
    phone = normalise_phone("0987 654 321", "VN")
    assert phone.e164 == "+84987654321"
    assert phone.valid is True
    assert normalise_phone("+84 987-654-321", "TH").e164 == "+84987654321"


def test_invalid_phone_is_kept_with_a_flag() -> None:
    phone = normalise_phone("12345", "VN")
    assert (phone.original, phone.e164, phone.valid, phone.digits) == ("12345", "", False, "12345")


def test_phone_falls_back_to_nationality_region() -> None:
    assert normalise_phone("0987654321", None, "VN").e164 == "+84987654321"


def test_birth_dates_at_each_precision_and_calendar() -> None:
    assert parse_birth_date("14/03/1990").iso == "1990-03-14"
    assert parse_birth_date("03/14/1990").iso == "1990-03-14"
    assert parse_birth_date("1990-03").precision == "month"
    assert parse_birth_date("1990").iso == "1990"
    assert parse_birth_date("14 March 1990").iso == "1990-03-14"
    # Thai Buddhist-era year and Thai digits
    assert parse_birth_date("๑๔/๐๓/๒๕๓๓").iso == "1990-03-14"
    assert parse_birth_date("1990-01-02").swapped == "1990-02-01"
    assert parse_birth_date("1862-06-44").digits == "18620644"
    assert parse_birth_date("1862-06-44").iso == "1862-06"


def test_ids_addresses_countries() -> None:
    assert normalise_id_number(" b 123-456 ") == "B123456"
    assert normalise_address("12/3 Soi Sukhumvit, Bangkok ") == "12 3 soi sukhumvit bangkok"
    assert normalise_country("VNM") == "VN"
    assert normalise_country("th") == "TH"
    assert normalise_country("Myanmar") == "MM"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_name_normaliser_never_raises_and_keeps_the_original(text: str) -> None:
    keys = normalise_name(text)
    assert keys.original == text
    assert keys.latin.isascii()
    assert all(t for t in keys.loose_tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
@example("B:U:0")  # found by Hypothesis: taking "b" (bin) bared the title "u"
def test_name_keys_are_idempotent(text: str) -> None:
    once = normalise_name(text)
    twice = normalise_name(once.latin)
    assert twice.latin == once.latin
    assert twice.loose == once.loose
    assert fold(fold(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["VN", "TH", "MM", "", "ZZ"]))
def test_phone_normaliser_never_raises_and_is_idempotent(text: str, region: str) -> None:
    phone = normalise_phone(text, region or None)
    assert phone.original == text
    if phone.valid:
        assert normalise_phone(phone.e164).e164 == phone.e164


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_date_parser_never_raises_and_round_trips(text: str) -> None:
    parsed = parse_birth_date(text)
    assert parsed.original == text
    if parsed.iso:
        assert parse_birth_date(parsed.iso).iso == parsed.iso


def test_consonant_skeleton_meets_vowel_spellings_across_scripts() -> None:
    pairs = [
        ("ธนากร สุขมา", "Thanakorn Sukma"),  # RTGS "Sukhama" against everyday "Sukma"; "-korn" for "-kon"
        ("မဝေမြင့်", "Wai Myint"),  # Burmese ေ written "ai"; the title မ held apart
        ("වීරසිංහ", "Weerasinghe"),  # Sinhala anusvara "ng"; final -a / -e
    ]
    for script, latin in pairs:
        assert normalise_name(script).skeleton == normalise_name(latin).skeleton, (script, latin)
    # One word in Latin, two syllables in Burmese: the joined skeleton meets
    assert normalise_name("မြင့်စိုးသန္တာ").skeleton_joined == normalise_name("Myint Soe Thandar").skeleton_joined
    assert normalise_name("Myint Soe Thandar").skeleton_joined == "mntstnt"


def test_tamil_nj_and_thai_silent_r() -> None:
    assert normalise_name("ரஞ்சனி").loose == normalise_name("Ranjani").loose
    assert normalise_name("ศรีสุข").loose == normalise_name("Srisuk").loose == normalise_name("Sisuk").loose


def test_burmese_script_meets_the_usual_latin_spellings() -> None:
    """ေ is written "ay"/"ai" (May, Nay, Wai), ွေ "we" (Shwe), အိ "Ei", အေ "Aye", ယှ and ရှ "sh"."""
    pairs = [
        ("ဦးမြင့်ဝေ", "U Myint Wai"),
        ("မအိအေးစု", "Ma Ei Aye Su"),
        ("စောထူးဂေ", "Saw Htoo Gay"),
        ("ရွှေဝါ", "Shwe Wah"),
        ("နေလင်း", "Nay Lin"),
        ("မေသူ", "May Thu"),
        ("ယှမ်းလေး", "Shan Lay"),
    ]
    for script, latin in pairs:
        assert normalise_name(script).loose == normalise_name(latin).loose, (script, latin)


def test_burmese_names_keep_their_word_order_when_reports_are_matched() -> None:
    def keys(name: str, fixed: bool) -> tuple[str, str, str]:
        k = normalise_name(name, fixed_order=fixed)
        return k.loose, k.joined_sorted, k.skeleton

    # Two Burmese names: the same syllables in another order, in script and in Latin.
    assert keys("မြဖြိုး", True) != keys("ဖြိုးမြ", True)
    assert keys("Mya Phyo", True) != keys("Phyo Mya", True)
    assert keys("Daw Khin Su", True) != keys("Su Khin", True)
    # Script and Latin of one name still meet, with or without an honorific.
    assert (
        normalise_name("မြဖြိုး", fixed_order=True).loose
        == normalise_name("Ma Mya Phyo", fixed_order=True).loose
    )
    # Other traditions are still matched in any order: surname-first, given-name-first.
    assert keys("Tran Van Hung", True) == keys("HUNG TRAN VAN", True)
    assert keys("Wichai Boonmee", True) == keys("Boonmee Wichai", True)
    # Without fixed_order (watchlists, traveller lists) order is set aside for every name.
    assert keys("Mya Phyo", False) == keys("Phyo Mya", False)
    assert keys("MIN AUNG", False) == keys("Aung Min", False)


def test_malay_b_is_bin() -> None:
    assert normalise_name("Amir B. Mohamad Irfan").loose == normalise_name("Amir bin Mohamad Irfan").loose


def test_a_name_with_initials_meets_the_full_names_it_abbreviates() -> None:
    """Sri Lankan names are often written with initials ("R. Perera"; Tamil: the father's initial first)."""
    initials = normalise_name("R. Perera")
    assert initials.initials_key == "pelela|r"
    assert initials.initials_key in normalise_name("Rasika Perera").expansions()
    assert initials.initials_key in normalise_name("PERERA Ravi").expansions()
    assert initials.initials_key not in normalise_name("Nimal Perera").expansions()
    assert normalise_name("M. Ravi").initials_key in normalise_name("Ravi Murugan").expansions()
    assert normalise_name("R. K. Perera").initials_key in normalise_name("Rasika Kumara Perera").expansions()
    # two full names carry no initials key, and syllables romanised from Burmese script are words
    assert normalise_name("Rasika Perera").initials_key == ""
    assert normalise_name("ဦးအေးမောင်").initials == ()


def test_burmese_final_ar_and_conventional_rhymes() -> None:
    """ာ is written "ar" (Zar, Thandar), ုန်း "one" (Phone), ည့် "ae" (Pyae), ွဋ် "ut" (Htut), ဝတ် "Wut",
    ညွန့် "Nyunt", ရှိုင်း "Shine", ိုက် "ike" (Htike); the loose keys take the spellings without r as well."""
    assert romanise("ဇာ") == "zar"
    assert romanise("ထွဋ်") == "htut"
    assert romanise("ညွန့်") == "nyunt"
    assert romanise("ပြည့်") == "pyae"
    assert romanise("ပြည်") == "pyi"
    assert romanise("ဝတ်") == "wut"
    assert romanise("ရှိုင်း") == "shine"
    pairs = [
        ("ဇာဇာငွေ", "Zar Zar Ngwe"),
        ("ဇာဇာငွေ", "Za Za Ngwe"),
        ("သန္တာ", "Thandar"),
        ("ဘုန်းမြင့်", "Phone Myint"),
        ("စုံတင်", "Sone Tin"),
        ("ပြည့်စန်းထက်", "Pyae San Htet"),
        ("မြေဟိန်း", "Myae Hein"),
        ("ကျော်ထိုက်", "Kyaw Htike"),
        ("ခင်ဝတ်ဇာ", "Khin Wutt Zar"),
    ]
    for script, latin in pairs:
        assert normalise_name(script).joined == normalise_name(latin).joined, (script, latin)


def test_sinhala_and_tamil_script_meet_the_usual_latin_spellings() -> None:
    assert romanise("ජයසිංහ") == "jayasinghe"
    assert romanise("රංජිත්") == "ranjith"
    assert romanise("අසංක") == "asanka"
    assert romanise("සිංහ") == "singha"
    # surnames of Portuguese origin are written as pronounced in Sinhala script (name_words.csv)
    assert romanise("ප්\u200dරදීප් ප්\u200dරනාන්දු") == "pradip fernando"
    assert romanise("තෙන්නකෝන්") == "thennakoon"
    assert romanise("අනෝමා") == "anoma"
    assert romanise("இராஜேந்திரன்") == "rajendran"
    assert romanise("கிருஷ்ணன்") == "krishnan"
    pairs = [
        ("ජයසිංහ", "Jayasingha"),
        ("කරුණාරත්න", "Karunarathna"),
        ("දිසානායක", "Dissanayake"),
        ("ගුණවර්ධන", "Gunawardena"),
        ("பிரகாஷ்", "Prakash"),
        ("சந்திரன்", "Sandran"),
        ("சுப்பிரமணியம்", "Subramaniam"),
    ]
    for script, latin in pairs:
        assert normalise_name(script).loose == normalise_name(latin).loose, (script, latin)


def test_thai_compound_names_are_romanised_element_by_element() -> None:
    assert romanise("สุวรรณลาภเดือนคำ") == "suwanlapdueankham"
    assert romanise("ประเสริฐ") == "prasoet"
    # a leading ห before a sonorant is silent; sara am survives the compatibility folding of names
    assert romanise("สมหมาย") == "sommai"
    assert normalise_name("อำนาจ").latin == "amnat"
    assert normalise_name("ศักดิ์ชัย สุวรรณลาภเดือนคำ").loose == normalise_name("Sakchai Suwanlapdueankham").loose


def test_malay_muhammad_abbreviations_and_old_indonesian_spelling() -> None:
    assert (
        normalise_name("Nur Sofea bte Mohd Syahmi").loose
        == normalise_name("Nur Sofea binti Muhammad Syahmi").loose
    )
    assert normalise_name("Md. Rahim").loose == normalise_name("Mohamad Rahim").loose
    # pre-1972 Indonesian spelling: oe is u, dj is j, tj is c; Burmese "Moe" and Thai "Charoen" keep their oe
    for old, new in [
        ("Soetrisno", "Sutrisno"),
        ("Boedi", "Budi"),
        ("Djoko", "Joko"),
        ("Witjaksono", "Wicaksono"),
    ]:
        assert loose(old.lower()) == loose(new.lower()), (old, new)
    assert loose("moe") == loose("mo")
    assert loose("charoen") != loose("charun")


def test_a_second_process_gives_the_same_matching_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "_cores", lambda: 2)  # the second process even on a one-core runner
    names = [
        "Trần Văn Hùng",
        "HUNG TRAN VAN",
        "วิชัย บุญมี",
        "Wichai Boonmee",
        "ဦးအောင်မင်း",
        "R. Perera",
        "Rasika Perera",
        "Siti binti Ahmad",
        "",
        'Nguyễn Thị "Lan" Mai',
    ]
    phones = ["0987 654 321", "+84 987 654 321", "", "081-234-5678", "12", "+66 81 234 5678", "0412 345 678"]
    frame = pd.DataFrame(
        {
            "id": [f"m{i}" for i in range(30)],
            "source": ["VN", "TH", "MM"] * 10,
            "name": names * 3,
            "phone": [phones[i % len(phones)] for i in range(30)],
        }
    )
    alone = records.prepare_mentions(frame, fixed_name_order=True, parallel_from=len(frame) + 1)
    shared = records.prepare_mentions(frame, fixed_name_order=True, parallel_from=2)
    pd.testing.assert_frame_equal(shared, alone)
    assert alone["name_sorted"].iloc[:2].tolist() == ["hung tran van"] * 2
    assert alone["phone_e164"].iloc[:2].tolist() == ["+84987654321"] * 2  # local and international


class _BrokenHelper(Executor):
    """A helper process that could not start (as under a script without a __main__ guard)."""

    def __init__(self, *, at_submit: bool) -> None:
        self.at_submit = at_submit

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.at_submit:
            raise BrokenProcessPool("could not start")
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("terminated abruptly"))
        return future


@pytest.mark.parametrize("at_submit", [True, False])
def test_a_helper_that_cannot_start_leaves_the_work_here(at_submit: bool) -> None:
    names = ["Trần Văn Hùng", "วิชัย บุญมี", "R. Perera", "Siti binti Ahmad", ""]
    alone = records.name_columns(names, fixed_order=True)
    assert records.name_columns(names, fixed_order=True, pool=_BrokenHelper(at_submit=at_submit)) == alone
    assert alone["name_sorted"][0] == "hung tran van"
