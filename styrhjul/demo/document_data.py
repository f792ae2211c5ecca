"""The texts written for the demo's årsredovisningar 2025 (DocumentText), as
data: förord, sammanfattning and viktiga händelser for Sjöbacka kommun's
compiled årsredovisning and for Barn- och utbildningsnämnden's own.

Paragraphs are separated by a blank line, as in the text boxes of the
document's Texter page. The numbers agree with what the units reported at the
årsbokslut (annual_data.py) and with the indicators' values. Everything is
invented, as in the rest of the demo.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .followup_data import ARSBOKSLUT, d

ARSREDOVISNING = "arsredovisning"
KS_CHAIR = "Ingrid Falk"


@dataclass(frozen=True)
class Text:
    """One section of a unit's document at an occasion, saved by the manager
    of `author` (a unit code) on `written_on`."""

    unit: str
    section: str  # "forord", "sammanfattning", "viktiga_handelser" or an own section's key
    author: str
    written_on: datetime.date
    text: str
    occasion: str = ARSBOKSLUT
    document: str = ARSREDOVISNING


MUNICIPALITY_TEXTS: tuple[Text, ...] = (
    Text(
        "1000",
        "forord",
        "1100",
        d("2026-02-18"),
        f"""\
Under 2025 fortsatte Sjöbacka att växa, om än långsammare än vi hade hoppats.
Vi är nu 18 851 invånare, och i Sjöängen och kvarteret Lärkan har nya familjer
flyttat in. Året har samtidigt visat hur mycket som hänger på att
detaljplanerna blir klara i tid: när planen för Norra Strandvägen försenades
märktes det direkt i hur många bostäder vi kan erbjuda de närmaste åren.

Ekonomin är i bättre skick än på länge. Årets resultat på 20 miljoner kronor ger
oss utrymme att bygga förskolor och förnya vattenledningar utan att låna mer än
nödvändigt. Det hade inte varit möjligt utan det arbete som socialnämnden och
socialförvaltningen har lagt ned på sin åtgärdsplan. Underskottet har mer än
halverats på ett år, och det har skett utan att de äldre fått sämre stöd – i
Hemtjänst Norr möter den som har hemtjänst i dag färre olika medarbetare än
tidigare.

Två saker oroar mig. Färre elever i årskurs 6 når godtagbara kunskaper i
matematik, och sjukfrånvaron bland våra medarbetare har ökat igen. Båda handlar
om människor: barn som behöver mer stöd för att klara skolan, och medarbetare –
oftast kvinnor i förskolan och omsorgen – som bär en tung arbetsbelastning. Här
måste vi göra mer under 2026, och kommunstyrelsen har gett förvaltningarna i
uppdrag att återkomma med konkreta planer före sommaren.

Jag vill tacka alla medarbetare i kommunen och i Sjöbackahem för ett år med
stort engagemang, och alla invånare, företagare och föreningar som gör Sjöbacka
till en plats man vill stanna på.

{KS_CHAIR}, kommunstyrelsens ordförande""",
    ),
    Text(
        "1000",
        "sammanfattning",
        "1100",
        d("2026-02-18"),
        """\
Sjöbacka kommun redovisar för 2025 ett resultat på 20 mnkr, vilket motsvarar 2,1
procent av skatteintäkter och generella statsbidrag. Därmed är fullmäktiges
finansiella mål uppfyllt för året, och soliditeten inklusive
pensionsförpliktelserna steg till 21,4 procent. Tre av fyra nämnder har hållit
sin budget. Socialnämnden redovisar ett underskott på 6,8 mnkr, jämfört med 14,2
mnkr året innan.

Av fullmäktiges fem inriktningsmål bedöms ett, god ekonomisk hushållning, ha
goda förutsättningar att nås. Tre mål går åt rätt håll men för långsamt: barn
och ungas uppväxt och skolgång, hållbar tillväxt och en tillgänglig kommun.
Målet om en attraktiv arbetsgivare kräver åtgärder, eftersom sjukfrånvaron ökade
till 8,5 procent. Av nämndernas och bolagets 14 mål bedöms sju ha goda
förutsättningar att nås, fyra går åt rätt håll men för långsamt och tre kräver
åtgärder: kunskapsresultaten i matematik, socialnämndens ekonomi och antalet
bostäder i nya detaljplaner.

Verksamheterna har genomfört det mesta av det som planerades. 63 av 74
aktiviteter i enheternas aktivitetsplaner är klara. Bland det som blivit
försenat finns detaljplanen vid Norra Strandvägen, gång- och cykelvägen mellan
Ekbacka och centrum och den sista delen av matematiklyftet.

Den interna kontrollen omfattade 31 kontroller i förvaltningarna. 22 gjordes
utan anmärkning och 9 med anmärkning, bland annat beslut som fattats utan rätt
delegation, inköp utanför avtal och behörigheter som inte tagits bort när någon
slutat. För varje anmärkning finns en beslutad åtgärd med ansvarig och datum.""",
    ),
    Text(
        "1000",
        "viktiga_handelser",
        "1100",
        d("2026-02-18"),
        """\
Förskoleområdena Väster och Centrum slogs samman den 1 januari. Två nya
avdelningar i Centrum öppnade i oktober, när ombyggnaden av Björkhagens förskola
var klar.

Socialnämndens åtgärdsplan för en ekonomi i balans började gälla i januari. I
februari startade en gemensam bemanningspool för äldreomsorgen och
funktionsstödet, som vid årets slut hade 28 tillsvidareanställda.

Badplatsen vid Sjöbackasjön invigdes till midsommar med en badbrygga med ramp
och en badstol, så att den som använder rullstol kan bada.

E-tjänsterna för bygglov och för ansökan om försörjningsstöd öppnade under
året. Bygglovsärenden som är äldre än fyra veckor har nästan försvunnit.

Den 12 november var stora delar av södra Sjöbacka utan ström i sju timmar.
Hemtjänsten, Solbackens äldreboende och Sjöbackaskolan klarade avbrottet med sina
kontinuitetsplaner. Två pumpstationer stod utan reservkraft, och avloppsvatten
bräddade till Sjöbackasjön i två timmar.

Kommunfullmäktige beslutade den 24 november om budget 2026 med plan för
2027–2028 och en oförändrad skattesats.

Sjöbackahem färdigställde 14 hyreslägenheter i kvarteret Lärkan, och
detaljplanen för kvarteret Tallbacken vann laga kraft i november.""",
    ),
)

COMMITTEE_TEXTS: tuple[Text, ...] = (
    Text(
        "3000",
        "forord",
        "3100",
        d("2026-02-11"),
        """\
Barn- och utbildningsnämnden lämnar ett år bakom sig där mycket gått åt rätt
håll. Fler elever upplever studiero, färre blir kränkta på rasterna och våra
förskolor arbetar på samma sätt med barnens språk. Vi har också hållit budgeten,
trots att fler elever behöver särskilt stöd och skolskjutsarna blev dyrare än
beräknat.

Det som inte gått åt rätt håll är matematiken. För andra året i rad når färre
elever i årskurs 6 godtagbara kunskaper, och nedgången är störst bland pojkarna.
Nämnden tar det på största allvar. Matematiklyftet ska fullföljas, alla elever i
årskurs 4–6 ska kartläggas i höst, och vi kommer att följa resultaten på varje
sammanträde under 2026.

Ett stort tack till alla medarbetare i förskola, skola, elevhälsa och
kulturskola, som varje dag möter våra barn och elever med kunskap och omtanke.

Lars Hedlund, ordförande i barn- och utbildningsnämnden""",
    ),
    Text(
        "3000",
        "sammanfattning",
        "3100",
        d("2026-02-11"),
        """\
Nämnden redovisar ett överskott på 0,4 mnkr mot en budget på 512 mnkr.
Grundskolan har ett underskott på 2,3 mnkr, främst för skolskjutsar och särskilt
stöd, medan förskolan har ett överskott på 2,0 mnkr eftersom två nya avdelningar
öppnade senare än planerat.

Av nämndens tre mål bedöms två ha goda förutsättningar att nås: trygghet och
studiero samt verksamhet inom budgetramen. Målet om godtagbara kunskaper kräver
åtgärder, eftersom andelen elever i årskurs 6 med lägst betyget E i matematik
sjönk till 83 procent.

Två av nämndens tre särskilda uppdrag är genomförda: utredningen om
förskoleplatser i norra Sjöbacka och planen för kulturskolan i alla kommundelar.
Uppdraget om skolskjutsar och kollektivtrafik redovisas i april 2026.""",
    ),
    Text(
        "3000",
        "viktiga_handelser",
        "3100",
        d("2026-02-11"),
        """\
Från höstterminen samlas elevernas mobiltelefoner in vid skoldagens början på
alla grundskolor. Lärare och elever beskriver lugnare lektioner, och andelen
elever i årskurs 8 som upplever studiero ökade till 67 procent.

Förskoleområdena Väster och Centrum blev ett område den 1 januari. Två nya
avdelningar öppnade i oktober, och alla familjer som började där fick en
föräldraaktiv inskolning.

Kulturskolan undervisar sedan hösten på skolorna i ytterområdena direkt efter
skoltid. Av de 126 barn som provade på under våren har 31 sökt plats.

Avtalet för skolskjutsar löpte ut i september innan det nya var upphandlat, och
skolskjutsar köptes utanför avtal under två månader. Ett nytt avtal gäller från
den 1 januari 2026.""",
    ),
)


@dataclass(frozen=True)
class OwnSection:
    """An own section of a document (followup.DocumentSection) in every year
    of the demo's styrmodell."""

    key: str
    heading: str
    instruction: str
    unit_types: tuple[str, ...]  # the unit types that write it
    order: int  # among the built-in sections (after Mål och resultat: 5)
    document: str = ARSREDOVISNING


PERSONAL = OwnSection(
    "eget-personal",
    "Personal",
    """Beskriv personalläget under året: sjukfrånvaron och hur den har utvecklats,
rekryteringsläget och de yrken där det är svårt att rekrytera, och vad ni gör
för att behålla och utveckla medarbetarna. Högst en halv sida. Förvaltningen
skriver först; nämndens text sammanfattar förvaltningens.""",
    ("Kommun", "Nämnd", "Förvaltning"),
    5,
)
OWN_SECTIONS: tuple[OwnSection, ...] = (PERSONAL,)

# "Personal" written by the municipality (Kommunledningsförvaltningen's HR
# for the whole organisation), Barn- och utbildningsnämnden and its
# förvaltning, and Socialförvaltningen, agreeing with their reports on the
# arbetsmiljömål at the årsbokslut (annual_data.py).
PERSONAL_TEXTS: tuple[Text, ...] = (
    Text(
        "1000",
        PERSONAL.key,
        "1100",
        d("2026-02-18"),
        """Kommunen hade vid årets slut 1 640 tillsvidareanställda. Sjukfrånvaron blev 8,5
procent av den ordinarie arbetstiden, högre än 2024 och långt från målet på 7,4
procent. Kvinnornas sjukfrånvaro är nästan dubbelt så hög som männens och följer
de yrken där arbetsbelastningen är störst.

Det är fortsatt svårt att rekrytera legitimerade förskollärare, sjuksköterskor
och socionomer med erfarenhet. Kommunstyrelsen har gett HR-avdelningen i uppdrag
att ta fram en plan för minskad sjukfrånvaro i äldreomsorgen och förskolan, som
redovisas i april 2026.""",
    ),
    Text(
        "3000",
        PERSONAL.key,
        "3100",
        d("2026-02-11"),
        """Sjukfrånvaron i nämndens verksamheter minskade för tredje året i rad, men
förskolan hade en svår höst. Nämnden följer förvaltningens arbete med tidiga
insatser vid upprepad korttidsfrånvaro.""",
    ),
    Text(
        "3100",
        PERSONAL.key,
        "3100",
        d("2026-01-26"),
        """Sjukfrånvaron i förvaltningen blev 7,2 procent för helåret, mot 7,6 procent 2024.
Minskningen gäller främst korttidsfrånvaron i grundskolan; i förskolan steg den
under hösten i samband med en lång infektionsperiod.

Alla tjänster som lärare i grundskolan är tillsatta med behöriga lärare. I
förskolan saknas fortfarande förskollärare, och från februari 2026 erbjuds
samtal med företagshälsovården efter tredje sjukfrånvarotillfället inom sex
månader.""",
    ),
    Text(
        "4100",
        PERSONAL.key,
        "4100",
        d("2026-01-28"),
        """Bemanningspoolen i äldreomsorgen har gjort att färre timvikarier behövts, och
den som har hemtjänst möter färre olika medarbetare. Sjukfrånvaron i
äldreomsorgen ökade under våren och är den högsta i kommunen.

Rekryteringen av socionomer till individ- och familjeomsorgen har gått bättre
än väntat: alla tjänster i Barn och unga är tillsatta.""",
    ),
)

TEXTS: tuple[Text, ...] = MUNICIPALITY_TEXTS + COMMITTEE_TEXTS + PERSONAL_TEXTS
