"""Choice lists of the registry (§3). Values are stable English codes; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdentificationStandard(models.TextChoices):
    NATIONAL = "national", _("National standard")
    PROVINCIAL = "provincial", _("Provincial standard")
    CITY = "city", _("City standard")


class HouseholdType(models.TextChoices):
    GENERAL = "general", _("General poor household")
    DIBAO = "dibao", _("Minimum-living-allowance poor household")
    TEKUN = "tekun", _("Extreme-poverty-support poor household")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Disaster")
    LACK_LAND = "lack_land", _("Lack of land")
    LACK_WATER = "lack_water", _("Lack of water")
    LACK_SKILLS = "lack_skills", _("Lack of skills")
    LACK_LABOUR = "lack_labour", _("Lack of labour")
    LACK_FUNDS = "lack_funds", _("Lack of funds")
    POOR_TRANSPORT = "poor_transport", _("Poor transport")
    LACK_MOTIVATION = "lack_motivation", _("Lack of motivation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (not yet identified)")
    NOT_POOR = "not_poor", _("Not registered as poor")
    POOR = "poor", _("Not exited")
    EXITED = "exited", _("Exited (still under policy)")
    EXITED_NO_POLICY = "exited_no_policy", _("Exited (no longer under policy)")
    RETURNED = "returned", _("Returned to poverty")
    CLOSED = "closed", _("Closed")


# Households still counted as poor in the incidence and evaluated by the exit test (§5.2, §5.3).
POOR_STATUSES = (Status.POOR, Status.RETURNED)
LIVE_STATUSES = (Status.POOR, Status.EXITED, Status.EXITED_NO_POLICY, Status.RETURNED)
# Households in the registry that were never identified as poor: applicants waiting for the
# identification chain (§6.2) and households recorded only for monitoring or after a refusal (§7).
# They count nowhere as poor; a person in one of them is still one person (DQ01).
UNIDENTIFIED_STATUSES = (Status.APPLICANT, Status.NOT_POOR)
EXITED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY)
# The households the monitoring triggers of §7 watch on the year's income: exited (脱贫不稳定户) and not
# registered as poor (边缘易致贫户).
MONITORED_STATUSES = (*EXITED_STATUSES, Status.NOT_POOR)


class RoadType(models.TextChoices):
    DIRT = "dirt", _("Dirt road")
    GRAVEL = "gravel", _("Gravel road")
    CEMENT = "cement", _("Cement road")
    ASPHALT = "asphalt", _("Asphalt road")


class HousingGrade(models.TextChoices):
    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C (dangerous)")
    D = "D", _("Grade D (dangerous)")


class Renovation(models.TextChoices):
    NONE = "none", _("No renovation")
    IN_PROGRESS = "in_progress", _("Renovation in progress")
    ACCEPTED = "accepted", _("Completed and accepted")


class Relocation(models.TextChoices):
    NO = "no", _("Not relocated")
    PLANNED = "planned", _("Relocation planned")
    MOVED_IN = "moved_in", _("Moved into the new home")


class Fuel(models.TextChoices):
    FIREWOOD = "firewood", _("Firewood and straw")
    DUNG = "dung", _("Dried dung")
    COAL = "coal", _("Coal")
    CLEAN = "clean", _("Clean energy")
    OTHER = "other", _("Other")


class UnitLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    MILITARY = "military", _("Military")
    OTHER = "other", _("Other")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    OTHER = "other", _("Other certificate")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    DAUGHTER_IN_LAW = "daughter_in_law", _("Daughter-in-law")
    SON_IN_LAW = "son_in_law", _("Son-in-law")
    GRANDSON = "grandson", _("Grandson")
    GRANDDAUGHTER = "granddaughter", _("Granddaughter")
    DAUGHTERS_SON = "daughters_son", _("Daughter's son")
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("Daughter's daughter")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    WIFES_FATHER = "wifes_father", _("Wife's father")
    WIFES_MOTHER = "wifes_mother", _("Wife's mother")
    HUSBANDS_FATHER = "husbands_father", _("Husband's father")
    HUSBANDS_MOTHER = "husbands_mother", _("Husband's mother")
    GRANDFATHER = "grandfather", _("Grandfather")
    GRANDMOTHER = "grandmother", _("Grandmother")
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("Maternal grandfather")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("Maternal grandmother")
    SIBLING = "sibling", _("Sibling")
    GREAT_GRANDSON = "great_grandson", _("Great-grandson")
    GREAT_GRANDDAUGHTER = "great_granddaughter", _("Great-granddaughter")
    NEPHEW = "nephew", _("Nephew")
    NIECE = "niece", _("Niece")
    SIBLING_IN_LAW = "sibling_in_law", _("Brother's wife")
    UNCLE = "uncle", _("Uncle")
    OTHER = "other", _("Other")


# DQ04: relationships that imply a sex.
MALE_RELATIONSHIPS = {
    Relationship.SON,
    Relationship.SON_IN_LAW,
    Relationship.GRANDSON,
    Relationship.DAUGHTERS_SON,
    Relationship.FATHER,
    Relationship.WIFES_FATHER,
    Relationship.HUSBANDS_FATHER,
    Relationship.GRANDFATHER,
    Relationship.MATERNAL_GRANDFATHER,
    Relationship.GREAT_GRANDSON,
    Relationship.NEPHEW,
    Relationship.UNCLE,
}
FEMALE_RELATIONSHIPS = {
    Relationship.DAUGHTER,
    Relationship.DAUGHTER_IN_LAW,
    Relationship.GRANDDAUGHTER,
    Relationship.DAUGHTERS_DAUGHTER,
    Relationship.MOTHER,
    Relationship.WIFES_MOTHER,
    Relationship.HUSBANDS_MOTHER,
    Relationship.GRANDMOTHER,
    Relationship.MATERNAL_GRANDMOTHER,
    Relationship.GREAT_GRANDDAUGHTER,
    Relationship.NIECE,
    Relationship.SIBLING_IN_LAW,
}


class Ethnicity(models.TextChoices):
    """The 56 ethnic groups, coded as in GB/T 3304."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BOUYEI = "09", _("Bouyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SHUI = "25", _("Shui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAM = "32", _("Mulam")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EVENK = "45", _("Evenk")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("CPC member")
    PROBATIONARY = "probationary", _("Probationary CPC member")
    LEAGUE = "league", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Democratic party member")
    MASSES = "masses", _("Ordinary citizen")


class Education(models.TextChoices):
    ILLITERATE = "illiterate", _("Illiterate or semi-literate")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor or above")


class SchoolStatus(models.TextChoices):
    NOT_IN_SCHOOL = "not_in_school", _("Not in school")
    PRESCHOOL = "preschool", _("Preschool")
    PRIMARY = "primary", _("Primary school")
    GRADE_7 = "grade_7", _("Grade 7")
    GRADE_8 = "grade_8", _("Grade 8")
    GRADE_9 = "grade_9", _("Grade 9")
    SENIOR_HIGH = "senior_high", _("Senior high, years 1-3")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational, years 1-3")
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational, years 1-3")
    BACHELOR = "bachelor", _("Bachelor or above")


class NoSchoolReason(models.TextChoices):
    PHYSICAL = "physical", _("Physically unable to attend (teaching at home)")
    OTHER = "other", _("Other")


class DisabilityCategory(models.TextChoices):
    VISUAL = "1", _("Visual")
    HEARING = "2", _("Hearing")
    SPEECH = "3", _("Speech")
    PHYSICAL = "4", _("Physical")
    INTELLECTUAL = "5", _("Intellectual")
    MENTAL = "6", _("Mental")
    MULTIPLE = "7", _("Multiple")


class DisabilityGrade(models.TextChoices):
    GRADE_1 = "1", _("Grade 1")
    GRADE_2 = "2", _("Grade 2")
    GRADE_3 = "3", _("Grade 3")
    GRADE_4 = "4", _("Grade 4")


class LabourAbility(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary labour")
    SKILLED = "skilled", _("Skilled labour")
    WEAK = "weak", _("Weak or half labour")
    LOST = "lost", _("Lost labour ability")
    NONE = "none", _("No labour ability")


class WorkStatus(models.TextChoices):
    IN_TOWNSHIP = "in_township", _("Within the township")
    IN_COUNTY = "in_county", _("Outside the township, within the county")
    IN_PROVINCE = "in_province", _("Outside the county, within the province")
    OUT_OF_PROVINCE = "out_of_province", _("Outside the province")
    OTHER = "other", _("Other")


class LeftBehind(models.TextChoices):
    CHILD = "child", _("Left-behind child")
    WOMAN = "woman", _("Left-behind woman")
    ELDERLY = "elderly", _("Left-behind elderly")


class Departure(models.TextChoices):
    DECEASED = "deceased", _("Deceased")
    MARRIED_OUT = "married_out", _("Married out")
    MOVED_AWAY = "moved_away", _("Moved away")
    OTHER = "other", _("Other")


class MemberEventKind(models.TextChoices):
    BIRTH = "birth", _("Birth")
    DEATH = "death", _("Death")
    MARRIAGE_IN = "marriage_in", _("Married in")
    MARRIAGE_OUT = "marriage_out", _("Married out")
    MOVED_IN = "moved_in", _("Moved in")
    MOVED_AWAY = "moved_away", _("Moved away")
    OTHER = "other", _("Other")


# Events that end a membership, and the departure they record.
DEPARTING_EVENTS = {
    MemberEventKind.DEATH: Departure.DECEASED,
    MemberEventKind.MARRIAGE_OUT: Departure.MARRIED_OUT,
    MemberEventKind.MOVED_AWAY: Departure.MOVED_AWAY,
}
