"""Sjöbacka kommun's årsbokslut 2025, as data: what every unit reported at
the year-end follow-up per 31 December 2025, the indicators' outcomes for the
whole year, and what came of the measures reported on control points at the
delårsbokslut.

The årsbokslut is done: the enheter reported in December (a few of them in
the first days of January, after their deadline), the avdelningar in the
first half of January, the förvaltningar by the end of January, and the
förvaltningar wrote the committees' and the council's reports in the first
days of February; every task is marked done and the occasion is closed.

The story carries on from the delårsbokslut (followup_data.py): most
activities that ended in 2025 are done, some are delayed with the reason in
the comment; the goals are assessed with an analysis that uses the
indicators' values below and in history_data.py; the internal-control points
were checked in every förvaltning, some with remarks and measures.

Everything is invented, as in the rest of the demo. Nothing is random.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .followup_data import (
    ATGARDER,
    EJ_STARTAD,
    FORSENAD,
    GODA,
    IK_ANM,
    IK_OK,
    KLAR,
    LANGSAMT,
    MED,
    NARA,
    STOPPAD,
    UTAN,
    Row,
    TaskReport,
    Value,
    d,
)
from .model_data import (
    AKTIVITETSPLAN,
    ARBETSMILJOMAL,
    ATGARDSPLAN,
    EGENKONTROLLPLAN,
    INTERNKONTROLLPLAN,
    VERKSAMHETSPLAN,
)

INGET_VARDE = "Inget värde angivet"
GENOMFORT, PAGAENDE_UPPDRAG = "Genomfört", "Pågående"


def _klar(number: str, comment: str = "") -> Row:
    return Row(number, KLAR, 100, comment)


# --- The indicators' outcomes for 2025 --------------------------------------------------
# Whole-year values (period ""). The values per August (followup_data) stay
# as they were reported at the delårsbokslut. KF1.2, BUN1.1 and BUN2.1 have
# their 2025 value from the spring survey already; KF3.1 is measured every
# other year; the Kolada indicators get theirs from the Kolada sample.

VALUES: tuple[Value, ...] = (
    Value("KF2.2", "1010", 2025, "", "61", note="94 av 154 fordon den 31 december"),
    Value("KF3.2", "1010", 2025, "", "8.5", "9.7", "5.1", "Helåret 2025"),
    Value("KF4.1", "1010", 2025, "", "2.1", note="Årsredovisning 2025"),
    Value("KF4.2", "1010", 2025, "", "21.4", note="Årsredovisning 2025"),
    Value("KF5.1", "1010", 2025, "", "66", note="Insikt, ärenden avslutade 2025"),
    Value("KF5.2", "1010", 2025, "", "83", note="Stickprov i oktober 2025"),
    Value("KS1.1", "1020", 2025, "", "3"),
    Value("KS2.1", "1020", 2025, "", "23", note="Per den 31 december"),
    Value("SN1.1", "4000", 2025, "", "81", note="118 av 146 utredningar"),
    Value("SN2.1", "4000", 2025, "", "14", note="Mätt i oktober"),
    Value("SN3.1", "4000", 2025, "", "-6.8", note="Årsbokslut 2025"),
    Value("SBN1.1", "5000", 2025, "", "64"),
    Value("SBN2.1", "5000", 2025, "", "23", note="Median för 312 beslut"),
    Value("SBH1.1", "8000", 2025, "", "38"),
    Value("SBH2.1", "8000", 2025, "", "118", note="Normalårskorrigerat"),
    Value("AM1.1", "3100", 2025, "", "7.2", "8.0", "4.1", "Helåret 2025"),
    # The workplaces' own results in the autumn pulse survey (Förskoleområde
    # Norr and Björkängsskolan reported theirs from the spring survey).
    Value("AM2.1", "3112", 2025, "", "71", note="Pulsmätningen i oktober"),
    Value("AM2.1", "3113", 2025, "", "64", note="Pulsmätningen i oktober"),
    Value("AM2.1", "3122", 2025, "", "74", note="Pulsmätningen i oktober"),
    Value("AM2.1", "3123", 2025, "", "67", note="Pulsmätningen i oktober"),
    Value("AM2.1", "3124", 2025, "", "78", note="Pulsmätningen i oktober"),
    Value("AM2.1", "3125", 2025, "", "80", note="Pulsmätningen i oktober"),
)


# --- The council's, the committees' and the company's goals ----------------------------

COUNCIL = TaskReport(
    "1010",
    VERKSAMHETSPLAN,
    d("2026-02-04"),
    (
        Row(
            "KF1",
            LANGSAMT,
            analysis=(
                "Behörigheten till gymnasiets yrkesprogram ökade till 87,0 procent och nådde "
                "därmed årets mål. Flickornas behörighet är 88,3 procent och pojkarnas 85,7 "
                "procent, så skillnaden har minskat något sedan 2022. Tryggheten i skolan "
                "ökade till 83 procent men stannade under årets mål på 84 procent, och här är "
                "det flickorna som känner sig minst trygga (82 mot 84 procent).\n"
                "Två saker drar åt fel håll. Andelen elever i åk 6 som når godtagbara "
                "kunskaper i matematik sjönk för andra året i rad, till 83 procent. Inom "
                "socialtjänsten avslutades 81 procent av utredningarna om barn och unga inom "
                "fyra månader; det är fler än 2024 men långt från målet 95 procent. "
                "Sammantaget går utvecklingen åt rätt håll, men för långsamt för att målet "
                "ska nås 2026. Matematiken på mellanstadiet och utredningstiderna är det som "
                "behöver mest uppmärksamhet nästa år."
            ),
        ),
        Row("KF1.1", UTAN, comment="Kolada, läsåret 2024/25: 87,0 procent, i nivå med årets mål."),
        Row("KF1.2", NARA, comment="Skolenkäten våren 2025: 83 procent mot årets mål 84."),
        Row(
            "KF2",
            LANGSAMT,
            analysis=(
                "Sjöbacka växte med 148 invånare under 2025 till 18 851, ungefär lika mycket "
                "som de två föregående åren. För att nå 20 000 invånare 2030 behöver "
                "befolkningen öka med omkring 230 personer om året, och det kräver fler färdiga "
                "bostäder än vad som planeras i dag: detaljplanerna som antogs under året gav "
                "plats för 64 bostäder, mot nämndens mål om 120. Planen för Norra Strandvägen "
                "med omkring 140 bostäder försenades av dagvattenfrågan och går ut på granskning "
                "i februari 2026.\n"
                "Omställningen av fordonsflottan går fortare: 61 procent av kommunens fordon är "
                "fossilfria, mot 49 procent året innan, sedan hemtjänstens bilar byttes under "
                "våren. Målet 75 procent 2026 nås ändå bara om tekniska avdelningens "
                "arbetsmaskiner byts i samma takt, och för dem finns ännu ingen plan."
            ),
        ),
        Row(
            "KF2.1",
            MED,
            comment="SCB via Kolada, den 31 december 2025: 148 fler invånare än året innan.",
        ),
        Row("KF2.2", NARA, comment="94 av 154 fordon; årets mål var 65,75 procent."),
        Row(
            "KF3",
            ATGARDER,
            analysis=(
                "Sjukfrånvaron bland kommunens medarbetare blev 8,5 procent av den ordinarie "
                "arbetstiden. Det är lägre än toppåret 2020 men högre än 2024 (8,2 procent) och "
                "långt från årets mål på 7,4 procent. Ökningen kom under våren i äldreomsorgen "
                "och under hösten i förskolan. Kvinnornas sjukfrånvaro, 9,7 procent, är nästan "
                "dubbelt så hög som männens, 5,1 procent, och skillnaden följer de yrken där "
                "arbetsbelastningen är störst: undersköterskor, vårdbiträden och barnskötare.\n"
                "Hållbart medarbetarengagemang mättes senast hösten 2024 (index 79) och mäts "
                "nästa gång hösten 2026. Färre medarbetare per chef och bemanningspoolen i "
                "socialförvaltningen är steg i rätt riktning, men sjukfrånvaron visar att de "
                "inte räcker. Kommunstyrelsen har gett HR-avdelningen i uppdrag att tillsammans "
                "med förvaltningarna ta fram en plan för minskad sjukfrånvaro i äldreomsorgen och "
                "förskolan, med tidiga insatser vid upprepad korttidsfrånvaro. Planen redovisas "
                "i april 2026."
            ),
        ),
        Row(
            "KF3.1",
            INGET_VARDE,
            comment="Medarbetarenkäten görs vartannat år; senaste värdet är 79 från hösten 2024.",
        ),
        Row(
            "KF3.2",
            MED,
            comment="Helåret 2025 ur personalsystemet; kvinnor 9,7 procent, män 5,1 procent.",
        ),
        Row(
            "KF4",
            GODA,
            analysis=(
                "Årets resultat blev 20 mnkr, vilket motsvarar 2,1 procent av skatteintäkter och "
                "generella statsbidrag och ligger över målet på 2 procent. Resultatet förklaras "
                "främst av högre skatteintäkter än budgeterat och en realisationsvinst när den "
                "tidigare förrådsfastigheten på Industrivägen såldes. Soliditeten inklusive "
                "samtliga pensionsförpliktelser steg till 21,4 procent.\n"
                "Nämndernas sammanlagda avvikelse mot budget blev −4,3 mnkr. Socialnämnden "
                "redovisar ett underskott på 6,8 mnkr, vilket är mindre än hälften av "
                "underskottet 2024, medan övriga nämnder har budget i balans. Investeringarna, "
                "118 mnkr, finansierades till 71 procent med egna medel. Kommunen har goda "
                "förutsättningar att nå målet, under förutsättning att socialnämnden når en "
                "ekonomi i balans 2026."
            ),
        ),
        Row("KF4.1", UTAN, comment="Årsredovisning 2025: ett resultat på 20 mnkr."),
        Row("KF4.2", UTAN, comment="Årsredovisning 2025."),
        Row(
            "KF5",
            LANGSAMT,
            analysis=(
                "Tillgängligheten har blivit bättre: 83 procent av frågorna via e-post "
                "besvarades inom en arbetsdag, mot 76 procent 2024, sedan kontaktcenter i våras "
                "började ta emot e-post till flera förvaltningar. Handläggningstiden för bygglov "
                "kortades till 23 dagar i median.\n"
                "Företagens nöjdhet med myndighetsutövningen sjönk däremot till 66, det lägsta "
                "värdet sedan mätningarna började. Missnöjet gäller främst livsmedels- och "
                "miljötillsynen, där företagen tycker att besked och avgifter är svåra att "
                "förutse. Samhällsbyggnadsnämnden inför därför förhandsbesked om tillsynsavgiften "
                "och ett eget telefonnummer för företagare från januari 2026. Målet bedöms kunna "
                "nås, men inte i nuvarande takt."
            ),
        ),
        Row(
            "KF5.1",
            MED,
            comment="Insikt, ärenden avslutade 2025; lägst för miljö- och hälsoskyddet.",
        ),
        Row("KF5.2", NARA, comment="Stickprov i oktober; årets mål var 86 procent."),
    ),
    done_on=d("2026-02-05"),
    reporter="1100",
)

EXECUTIVE_BOARD = TaskReport(
    "1020",
    VERKSAMHETSPLAN,
    d("2026-02-03"),
    (
        Row(
            "KS1",
            GODA,
            analysis=(
                "Tre av fyra nämnder redovisar budget i balans vid årsbokslutet, mot två 2024. "
                "Prognoserna har blivit säkrare: den största skillnaden mellan prognosen i "
                "augusti och utfallet var 2,7 mnkr (socialnämnden), jämfört med 6,1 mnkr året "
                "innan. Den gemensamma prognosmallen och utbildningen av budgetansvariga chefer "
                "har bidragit, och månadsrapporten var klar inom åtta arbetsdagar vid nio av elva "
                "tillfällen."
            ),
        ),
        Row(
            "KS1.1",
            UTAN,
            comment="Kommunstyrelsen, barn- och utbildningsnämnden och samhällsbyggnadsnämnden.",
        ),
        Row(
            "KS2",
            GODA,
            analysis=(
                "Antalet medarbetare per chef minskade till 23 i genomsnitt, från 24 året innan, "
                "sedan två nya enhetschefstjänster inrättats i hemtjänsten. Spridningen är "
                "fortfarande stor: i förskolan och hemtjänsten har flera chefer över 35 "
                "medarbetare, medan andra verksamheter ligger under 15. Löneenheten har hållit "
                "introduktion i lön och schema för 23 nya chefer. Målet 22 medarbetare per chef "
                "bedöms nås 2026."
            ),
        ),
        Row("KS2.1", UTAN, comment="Per den 31 december 2025."),
        Row(
            "KS3",
            LANGSAMT,
            analysis=(
                "Under året har e-tjänster öppnats för ansökan om ledighet, försörjningsstöd och "
                "bygglov. Ansökan om försörjningsstöd görs nu till 70 procent digitalt, och 46 "
                "procent av bygglovsansökningarna under hösten kom in via e-tjänsten. Digitala "
                "tidrapporter för timavlönade finns i socialförvaltningen men ännu inte i barn- "
                "och utbildningsförvaltningen, och inom skola och förskola är e-tjänsterna "
                "fortfarande få. Målet saknar nyckeltal, vilket gör utvecklingen svår att följa; "
                "kommunstyrelsen föreslår att andelen ärenden som inleds digitalt följs från 2026."
            ),
        ),
    ),
    done_on=d("2026-02-04"),
    reporter="1100",
)

EDUCATION_COMMITTEE = TaskReport(
    "3000",
    VERKSAMHETSPLAN,
    d("2026-02-02"),
    (
        Row(
            "BUN1",
            ATGARDER,
            analysis=(
                "Andelen elever i åk 6 med lägst betyget E i matematik sjönk till 83 procent, "
                "från 86 procent 2024 och 87 procent 2023. Nedgången är störst bland pojkarna, "
                "där 81 procent når godtagbara kunskaper mot 85 procent av flickorna. Resultaten "
                "i svenska och engelska är i stort sett oförändrade.\n"
                "Matematiklyftet på Björkängsskolan kom tre fjärdedelar av vägen under året, och "
                "specialpedagogerna i matematik började först i augusti, så effekten syns ännu "
                "inte i betygen. Analysen per skola visar att nedgången främst finns i klasser "
                "som hade många lärarbyten under 2024. Nämnden bedömer att åtgärder krävs: "
                "matematiklyftet fullföljs under våren 2026, alla elever i åk 4–6 kartläggs i "
                "matematik i september och resultaten följs upp på varje rektorsmöte."
            ),
        ),
        Row("BUN1.1", MED, comment="Vårterminens betyg i åk 6; pojkar 81 %, flickor 85 %."),
        Row(
            "BUN2",
            GODA,
            analysis=(
                "Andelen elever i åk 8 som upplever studiero ökade till 67 procent, från 63 "
                "procent 2024. Elever och lärare nämner de gemensamma reglerna för mobiltelefoner "
                "och fritidshemmets rastaktiviteter som förklaringar, och de anmälda kränkningarna "
                "på rasterna på Ekbackaskolan minskade från 14 till 6 under hösten. I förskolan "
                "har planerna mot kränkande behandling reviderats tillsammans med "
                "vårdnadshavare. Målet 70 procent 2026 bedöms kunna nås."
            ),
        ),
        Row("BUN2.1", NARA, comment="Skolenkäten våren 2025; flickor 68 %, pojkar 66 %."),
        Row(
            "BUN3",
            GODA,
            analysis=(
                "Nämnden redovisar ett överskott på 0,4 mnkr mot en budget på 512 mnkr. "
                "Grundskolan har ett underskott på 2,3 mnkr, främst för skolskjutsar som köptes "
                "utanför avtal under hösten och för fler elever i behov av särskilt stöd. "
                "Förskolan har ett överskott på 2,0 mnkr eftersom två avdelningar i Centrum "
                "öppnade först i oktober. Med det nya skolskjutsavtalet från januari 2026 har "
                "nämnden goda förutsättningar att hålla budgeten även nästa år."
            ),
        ),
        Row(
            "SU1",
            GENOMFORT,
            comment=(
                "Redovisad för nämnden i oktober. Befolkningsprognosen visar ett behov av omkring "
                "90 nya förskoleplatser i norra Sjöbacka till 2030; förvaltningen föreslår en "
                "förskola med sex avdelningar vid Norra Strandvägen i investeringsplanen från 2027."
            ),
        ),
        Row(
            "SU2",
            GENOMFORT,
            comment=(
                "Planen beslutades i juni. Sedan hösten undervisar kulturskolan på skolorna i "
                "ytterområdena direkt efter skoltid, så att ingen behöver skjuts; kostnaden är "
                "0,6 mnkr om året."
            ),
        ),
        Row(
            "SU3",
            PAGAENDE_UPPDRAG,
            comment=(
                "Redovisningen till fullmäktige flyttas till april 2026, eftersom regionen "
                "beslutade om de nya busslinjerna i norra Sjöbacka först i november. Ett första "
                "förslag visar att tre av sju skolskjutslinjer kan ersättas med kollektivtrafik."
            ),
        ),
    ),
    done_on=d("2026-02-03"),
    reporter="3100",
)

SOCIAL_COMMITTEE = TaskReport(
    "4000",
    VERKSAMHETSPLAN,
    d("2026-02-02"),
    (
        Row(
            "SN1",
            LANGSAMT,
            analysis=(
                "81 procent av utredningarna om barn och unga avslutades inom fyra månader, "
                "jämfört med 76 procent 2024. Förbättringen kom under hösten, när enheten för "
                "första gången på två år var fullt bemannad; de utredningar som drar ut på "
                "tiden är främst de där flera myndigheter är inblandade. Öppenvårdsteamet i "
                "egen regi har arbetat med 22 familjer och gjort att fyra placeringar kunde "
                "undvikas, så att barnen kunnat bo kvar hemma med stöd. Utvecklingen går åt "
                "rätt håll men för långsamt för att nå 95 procent 2026."
            ),
        ),
        Row("SN1.1", MED, comment="Helåret 2025: 118 av 146 utredningar; årets mål var 90 %."),
        Row(
            "SN2",
            LANGSAMT,
            analysis=(
                "En hemtjänsttagare mötte i genomsnitt 14 olika medarbetare under 14 dagar, mot "
                "15 året innan. Med fasta team blev värdet 11 i Hemtjänst Norr, medan Hemtjänst "
                "Söder ligger kvar på 16 efter många vikarier under sommaren och hösten. På de "
                "särskilda boendena har boenderåd och måltidsvärdar gett de boende mer "
                "inflytande, och i gruppbostaden har alla en genomförandeplan med bildstöd. "
                "Målet 12 nås inte 2026 i nuvarande takt; Hemtjänst Söder inför fasta team "
                "under våren."
            ),
        ),
        Row("SN2.1", MED, comment="Mätt i oktober: Hemtjänst Norr 11, Hemtjänst Söder 16."),
        Row(
            "SN2.2",
            INGET_VARDE,
            comment=(
                "Följs utan målvärde. Senaste värdet i Kolada avser 2023: 21,9 procent, något "
                "över riket (21,0 procent)."
            ),
        ),
        Row(
            "SN3",
            ATGARDER,
            analysis=(
                "Nämnden redovisar ett underskott på 6,8 mnkr mot budget, jämfört med 14,2 mnkr "
                "2024 och en prognos på −9,5 mnkr i augusti. Förbättringen kommer från "
                "åtgärdsplanen: bemanningen i hemtjänsten följer nu beviljad tid, kostnaden för "
                "placeringar av barn och unga minskade med 4,2 mnkr och två avtal om köpta "
                "platser har omförhandlats. Underskottet finns nu främst inom personlig "
                "assistans och på de särskilda boendena, där timavlönade fortfarande bemannar "
                "många kvälls- och helgpass.\n"
                "Nämnden når inte en ekonomi i balans 2025. Åtgärdsplanen förlängs till 2026, "
                "med bemanningspoolen utbyggd till hela funktionsstödet och nya schemaregler "
                "för personlig assistans."
            ),
        ),
        Row("SN3.1", MED, comment="Årsbokslut 2025: −6,8 mnkr."),
    ),
    done_on=d("2026-02-03"),
    reporter="4100",
)

PLANNING_COMMITTEE = TaskReport(
    "5000",
    VERKSAMHETSPLAN,
    d("2026-01-30"),
    (
        Row(
            "SBN1",
            ATGARDER,
            analysis=(
                "Under året antogs två detaljplaner, i Sjöängen och vid Tallbacken, med "
                "sammanlagt 64 bostäder. Det är färre än 2024 och hälften av målet. Den största "
                "planen, Norra Strandvägen med omkring 140 bostäder, skulle ha gått ut på "
                "granskning i september men försenades när dagvattenutredningen visade att "
                "området behöver en fördröjningsdamm. Planprogrammet för Sjöbacka centrum "
                "godkändes i december och ger plats för omkring 400 bostäder på längre sikt.\n"
                "För att nå 120 bostäder om året görs dagvattenutredningen från och med nu "
                "redan i planuppdraget, och planenheten förstärks med en planarkitekt från mars "
                "2026."
            ),
        ),
        Row("SBN1.1", MED, comment="Sjöängen 38 och Tallbacken 26 bostäder."),
        Row(
            "SBN2",
            GODA,
            analysis=(
                "Handläggningstiden för bygglov från komplett ansökan till beslut var 23 dagar i "
                "median, jämfört med 26 dagar 2024 och 38 dagar 2022. Den veckovisa genomgången "
                "av äldre ärenden har nästan tagit bort de ärenden som blev liggande: i december "
                "fanns 9 ärenden äldre än fyra veckor, mot 37 i januari. E-tjänsten, som "
                "öppnade i september, begär komplettering automatiskt. Den digitala "
                "nybyggnadskartan är försenad till 2026. Målet 21 dagar bedöms nås nästa år."
            ),
        ),
        Row("SBN2.1", UTAN, comment="Median för 312 beslut; årets mål var 25 dagar."),
        Row(
            "SBN3",
            GODA,
            analysis=(
                "Den nya vattenledningen i Storgatan och läcksökningen med loggrar har minskat "
                "vattenförlusterna från 21 till 16 procent av den producerade mängden. "
                "Badplatsen vid Sjöbackasjön är tillgänglig med ramp och badstol sedan "
                "midsommar, 214 träd har planterats i de nya bostadsområdena och skolvägarna "
                "vid Björkängsskolan och Ekbackaskolan har fått säkrare passager. Gång- och "
                "cykelvägen mellan Ekbacka och centrum blir klar först i maj 2026. Tillsynen "
                "av enskilda avlopp runt sjön visade att 23 av 148 avlopp måste åtgärdas."
            ),
        ),
    ),
    done_on=d("2026-01-30"),
    reporter="5100",
)

HOUSING_COMPANY = TaskReport(
    "8000",
    VERKSAMHETSPLAN,
    d("2026-01-28"),
    (
        Row(
            "SBH1",
            LANGSAMT,
            analysis=(
                "Under 2025 blev 14 lägenheter i kvarteret Lärkan klara, och sammanlagt 38 av "
                "de 60 lägenheter som bolaget ska bygga under mandatperioden är nu inflyttade. "
                "Kvarteret Tallbacken med 24 lägenheter får byggstart i mars 2026 och blir klart "
                "våren 2027, efter mandatperiodens slut, eftersom detaljplanen vann laga kraft "
                "först i november. Två av lägenheterna i Lärkan hyrs ut till socialförvaltningen "
                "för Bostad först."
            ),
        ),
        Row("SBH1.1", MED, comment="14 lägenheter i kvarteret Lärkan under 2025."),
        Row(
            "SBH2",
            GODA,
            analysis=(
                "Energianvändningen i bostadsbeståndet minskade till 118 kWh per kvadratmeter, "
                "från 121 året innan. Minskningen kommer från de 180 lägenheterna på "
                "Ekbackavägen som fick frånluftsvärmepumpar 2024 och från injusteringen av "
                "värmesystemen i Centrum. Med de åtgärder som planeras i Sjöängen bedöms målet "
                "105 kWh per kvadratmeter 2030 kunna nås."
            ),
        ),
        Row("SBH2.1", UTAN, comment="Normalårskorrigerat."),
    ),
    done_on=d("2026-01-29"),
)


# --- The förvaltningar's and avdelningar's own goals ---------------------------------

OPERATIONAL_GOALS: tuple[TaskReport, ...] = (
    TaskReport(
        "1100",
        VERKSAMHETSPLAN,
        d("2026-01-22"),
        (
            Row(
                "KLF1",
                GODA,
                analysis=(
                    "Månadsrapporten var klar inom åtta arbetsdagar vid nio av elva tillfällen; "
                    "i januari och juli tog den tio dagar. De automatiska periodiseringarna har "
                    "kortat arbetet med två dagar per månad."
                ),
            ),
        ),
        done_on=d("2026-01-22"),
    ),
    TaskReport(
        "3100",
        VERKSAMHETSPLAN,
        d("2026-01-27"),
        (
            Row(
                "BUF1",
                LANGSAMT,
                analysis=(
                    "Alla skolor analyserar nu resultaten per ämne och kön efter varje termin, "
                    "och Sjöbackaskolans analys ligger till grund för skolans plan 2026. På "
                    "mellanstadiet har analysen ännu inte lett till ändrad undervisning i "
                    "matematik i den takt som behövs. Björkängsskolans sätt att följa upp extra "
                    "anpassningar på varje elevhälsomöte sprids till övriga skolor under 2026."
                ),
            ),
        ),
        done_on=d("2026-01-28"),
    ),
    TaskReport(
        "3110",
        VERKSAMHETSPLAN,
        d("2026-01-12"),
        (
            Row(
                "FSK1",
                GODA,
                analysis=(
                    "Observationsstödet används på alla förskolor och ger en gemensam bild av "
                    "barnens språkutveckling. Bokpåsarna har blivit ett fast arbetssätt, och "
                    "språkpromenaderna i Söder har gett de flerspråkiga barnen fler ord för "
                    "närmiljön."
                ),
            ),
            Row(
                "FSK2",
                LANGSAMT,
                analysis=(
                    "I Norr och Söder har vårdnadshavare varit med och tagit fram planerna mot "
                    "kränkande behandling. I Centrum kom arbetet i gång först under hösten, men "
                    "föräldraaktiv inskolning finns nu på alla avdelningar."
                ),
            ),
        ),
        done_on=d("2026-01-12"),
    ),
    TaskReport(
        "3120",
        VERKSAMHETSPLAN,
        d("2026-01-13"),
        (
            Row(
                "GSK1",
                ATGARDER,
                analysis=(
                    "Andelen elever i åk 6 med godkänt i matematik sjönk till 83 procent. "
                    "Matematiklyftet är tre fjärdedelar klart och specialpedagoger i matematik "
                    "finns på Björkängsskolan och Ekbackaskolan sedan augusti, men effekten syns "
                    "ännu inte i betygen."
                ),
                measures=(
                    "Matematiklyftet fullföljs under våren 2026, och alla elever i åk 4–6 "
                    "kartläggs i matematik i september 2026."
                ),
            ),
            Row(
                "GSK2",
                GODA,
                analysis=(
                    "Studieron i åk 8 har förbättrats till 67 procent. Mobilreglerna och "
                    "mentorssamtalen i alla klasser har gett effekt, även i åk 9, där det var "
                    "svårast vid delåret."
                ),
            ),
        ),
        done_on=d("2026-01-13"),
    ),
    TaskReport(
        "4110",
        VERKSAMHETSPLAN,
        d("2026-01-16"),
        (
            Row(
                "ÄO1",
                LANGSAMT,
                analysis=(
                    "Kontinuiteten har blivit bättre i Hemtjänst Norr med fasta team, men inte i "
                    "Hemtjänst Söder. Mätningarna varannan månad har gjort skillnaden synlig, och "
                    "Söder inför fasta team under våren 2026."
                ),
            ),
            Row(
                "ÄO2",
                LANGSAMT,
                analysis=(
                    "Utförd tid ligger nu nära beviljad tid i hemtjänsten, och "
                    "vårdtyngdsmätningarna har lett till att nattbemanningen flyttats mellan "
                    "boendena. Kvälls- och helgpassen på boendena bemannas fortfarande delvis "
                    "av timavlönade, vilket håller kostnaderna uppe."
                ),
            ),
        ),
        done_on=d("2026-01-16"),  # three days late
    ),
    TaskReport(
        "4120",
        VERKSAMHETSPLAN,
        d("2026-01-09"),
        (
            Row(
                "FS1",
                GODA,
                analysis=(
                    "Alla boende i gruppbostaden har en genomförandeplan med bildstöd, och "
                    "husmötena varje månad ger dem inflytande över vardagen. Inom personlig "
                    "assistans planerar brukarna sina scheman med en fast grupp assistenter."
                ),
            ),
        ),
        done_on=d("2026-01-09"),
    ),
    TaskReport(
        "4130",
        VERKSAMHETSPLAN,
        d("2026-01-12"),
        (
            Row(
                "IFO1",
                GODA,
                analysis=(
                    "Öppenvårdsteamet i egen regi har arbetat med 22 familjer, och fyra "
                    "ungdomar har fått familjebehandling i stället för placering på HVB. "
                    "Kostnaden för placeringar minskade med 4,2 mnkr."
                ),
            ),
            Row(
                "IFO2",
                LANGSAMT,
                analysis=(
                    "Samordnad individuell plan finns för 31 av 35 personer med samsjuklighet. "
                    "Två av tre lägenheter i Bostad först är i gång, men väntetiden till "
                    "regionens öppenvård är fortfarande sex veckor."
                ),
            ),
        ),
        done_on=d("2026-01-12"),
    ),
    TaskReport(
        "5110",
        VERKSAMHETSPLAN,
        d("2026-01-08"),
        (
            Row(
                "PB1",
                GODA,
                analysis=(
                    "Checklistan på webbplatsen och e-tjänsten gör att fler ansökningar är "
                    "kompletta från början. Besked om komplett ansökan lämnades inom fem "
                    "arbetsdagar i 88 procent av ärendena."
                ),
            ),
        ),
        done_on=d("2026-01-08"),
    ),
    TaskReport(
        "5120",
        VERKSAMHETSPLAN,
        d("2026-01-13"),
        (
            Row(
                "TEK1",
                GODA,
                analysis=(
                    "Läcksökningen med loggrar hittade 17 läckor, och vattenförlusterna minskade "
                    "från 21 till 16 procent. Från larm till lagad läcka tog det i genomsnitt "
                    "två dygn."
                ),
            ),
            Row(
                "TEK2",
                LANGSAMT,
                analysis=(
                    "Passagerna vid Björkängsskolan och Ekbackaskolan var klara till skolstarten. "
                    "Gång- och cykelvägen mellan Ekbacka och centrum är försenad till maj 2026, "
                    "så den viktigaste skolvägen från Ekbacka saknar fortfarande egen cykelbana."
                ),
            ),
        ),
        done_on=d("2026-01-13"),
    ),
)


# --- The enheter's activity plans ---------------------------------------------------

ACTIVITIES: tuple[TaskReport, ...] = (
    TaskReport(
        "1111",
        AKTIVITETSPLAN,
        d("2025-12-17"),
        (
            _klar(
                "A1",
                "Periodiseringar av hyror, licenser och leasing bokas nu automatiskt; "
                "månadsbokslutet har kortats med två dagar.",
            ),
            _klar(
                "A2",
                "Mallen användes av alla nämnder i delårsbokslutet och i prognoserna för "
                "oktober och november.",
            ),
            _klar(
                "A3",
                "Sex utbildningstillfällen med 84 av 97 budgetansvariga chefer; de som inte "
                "kunde komma erbjuds plats i februari.",
            ),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "1112",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar("A1", "Kommunstyrelsen beslutade om planen i november: 31 upphandlingar."),
            _klar(
                "A2",
                "Avtalstroheten var 91 procent för livsmedel och 78 procent för kontorsmaterial. "
                "Köpen utanför avtal har återkopplats till förvaltningarna.",
            ),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "1121",
        AKTIVITETSPLAN,
        d("2025-12-22"),
        (
            _klar("A1", "I drift sedan maj; 1 240 ansökningar under året."),
            Row(
                "A2",
                FORSENAD,
                70,
                "Infört i socialförvaltningen. Barn- och utbildningsförvaltningen väntar på en "
                "ny version av lönesystemet och går över i mars 2026.",
            ),
            _klar("A3", "Fyra introduktioner för sammanlagt 23 nya chefer."),
        ),
        done_on=d("2025-12-22"),
    ),
    TaskReport(
        "3111",
        AKTIVITETSPLAN,
        d("2025-12-15"),
        (
            _klar("A1", "Bokpåsarna har blivit ett fast arbetssätt på alla avdelningar."),
            _klar(
                "A2",
                "Observationsstödet används på alla sex avdelningar och följdes upp vid höstens "
                "utvecklingssamtal.",
            ),
            _klar(
                "A3",
                "Planen antogs i oktober, efter synpunkter från 41 vårdnadshavare på "
                "föräldramöten och i en digital enkät.",
            ),
        ),
        done_on=d("2025-12-16"),
    ),
    TaskReport(
        "3112",
        AKTIVITETSPLAN,
        d("2025-12-18"),
        (
            _klar(
                "A1",
                "Utvärderingen i september visade att barnen använder fler ord om närmiljön; "
                "promenaderna fortsätter 2026.",
            ),
            _klar("A2"),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "3113",
        AKTIVITETSPLAN,
        d("2026-01-07"),
        (
            _klar("A1"),
            _klar("A2"),
            _klar(
                "A3",
                "Gjordes i oktober och november när de två nya avdelningarna hade öppnat; 18 "
                "familjer skolades in.",
            ),
        ),
        done_on=d("2026-01-07"),  # a week late
    ),
    TaskReport(
        "3121",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            Row(
                "A1",
                FORSENAD,
                75,
                "Tre av fyra moduler är genomförda. Den sista flyttas till vårterminen 2026 "
                "eftersom två av handledarna var föräldralediga under hösten.",
            ),
            _klar("A2", "Anpassningarna dokumenteras i elevhälsomötets mall för alla elever."),
            _klar("A3", "Mobiltelefonerna samlas in vid skoldagens början i alla klasser."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "3122",
        AKTIVITETSPLAN,
        d("2025-12-12"),
        (
            _klar("A1"),
            _klar(
                "A2",
                "Fritidshemmet leder aktiviteter på förmiddagsrasten fyra dagar i veckan. "
                "Anmälda kränkningar på rasterna minskade från 14 till 6 jämfört med hösten 2024.",
            ),
        ),
        done_on=d("2025-12-12"),
    ),
    TaskReport(
        "3123",
        AKTIVITETSPLAN,
        d("2025-12-22"),
        (
            _klar("A1"),
            _klar("A2", "Samtal i alla tolv klasser; resultatet har gått till elevrådet."),
            _klar(
                "A3",
                "Störst skillnad mellan flickor och pojkar i svenska och engelska; analysen ligger "
                "till grund för skolans plan 2026.",
            ),
            Row(
                "A4",
                FORSENAD,
                60,
                "Samverkansavtalet undertecknades först i oktober. Gemensamma möten har hållits "
                "för nio elever, och arbetet fortsätter 2026.",
            ),
        ),
        done_on=d("2025-12-22"),
    ),
    TaskReport(
        "3124",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar(
                "A1",
                "Alla elever i åk 7 och 96 procent i åk 4 har haft hälsosamtal; de övriga får "
                "tid i januari.",
            ),
            _klar("A2", "Rutinen antogs i juni och används på alla skolor sedan höstterminen."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "3125",
        AKTIVITETSPLAN,
        d("2025-12-29"),
        (
            _klar(
                "A1",
                "Kurser på fyra skolor i ytterområdena med 126 barn; 31 av dem har sökt plats i "
                "kulturskolan.",
            ),
            Row(
                "A2",
                STOPPAD,
                20,
                "Samordningen kräver en ombyggnad av musiksalen på Ekbackaskolan som inte ryms i "
                "investeringsbudgeten 2026. Frågan tas upp i budgetberedningen för 2027.",
            ),
        ),
        done_on=d("2025-12-30"),
    ),
    TaskReport(
        "4111",
        AKTIVITETSPLAN,
        d("2025-12-18"),
        (
            _klar("A1"),
            _klar(
                "A2",
                "87 procent av planerna gjordes inom två veckor; resten inom en månad.",
            ),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4112",
        AKTIVITETSPLAN,
        d("2026-01-09"),
        (
            _klar(
                "A1",
                "De sista låsen installerades i oktober; alla 212 brukare har nu nyckelfria lås.",
            ),
            _klar("A2", "Sex mätningar under året, återkopplade på arbetsplatsträffarna."),
        ),
        done_on=d("2026-01-09"),  # ten days late
    ),
    TaskReport(
        "4113",
        AKTIVITETSPLAN,
        d("2025-12-16"),
        (
            _klar("A1"),
            _klar("A2", "Mätningarna i april och oktober ledde till att två nattpass flyttades."),
            Row(
                "A3",
                FORSENAD,
                50,
                "Hälften av personalen har gått utbildningen. Höstens sista tillfällen ställdes "
                "in när utbildaren blev sjuk; resten går i februari 2026.",
            ),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "4114",
        AKTIVITETSPLAN,
        d("2025-12-15"),
        (
            _klar("A1", "Fyra boenderåd; de boende valde bland annat en ny meny för söndagarna."),
            _klar("A2", "Nio boende har tillsyn med kamera nattetid efter eget samtycke."),
        ),
        done_on=d("2025-12-15"),
    ),
    TaskReport(
        "4115",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar(
                "A1",
                "Den genomsnittliga vårdtiden på korttidsboendet minskade från 24 till 19 dygn.",
            ),
            _klar("A2"),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4116",
        AKTIVITETSPLAN,
        d("2025-12-22"),
        (
            _klar("A1", "142 genomgångar tillsammans med vårdcentralernas läkare."),
            Row(
                "A2",
                FORSENAD,
                80,
                "I drift i Hemtjänst Norr sedan juni. Hemtjänst Söder går över i februari 2026, "
                "när alla telefoner har bytts ut.",
            ),
            _klar("A3", "68 hembesök av fysioterapeut efter sjukhusvistelse."),
        ),
        done_on=d("2025-12-22"),
    ),
    TaskReport(
        "4121",
        AKTIVITETSPLAN,
        d("2025-12-11"),
        (
            _klar("A1", "Alla sex boende har en plan med bildstöd."),
            _klar("A2"),
        ),
        done_on=d("2025-12-11"),
    ),
    TaskReport(
        "4122",
        AKTIVITETSPLAN,
        d("2025-12-17"),
        (
            _klar("A1", "Sju av nio boende använder en digital kalender med påminnelser."),
            _klar("A2"),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "4123",
        AKTIVITETSPLAN,
        d("2025-12-18"),
        (
            Row(
                "A1",
                FORSENAD,
                60,
                "Elva deltagare har plats på en kommunal arbetsplats, målet var 18. Fler "
                "platser i parkverksamheten och skolköken öppnar våren 2026.",
            ),
            _klar("A2", "41 av 52 deltagare svarade; 88 procent trivs bra eller mycket bra."),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4124",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar("A1"),
            _klar("A2", "Alla 17 nyanställda assistenter har haft minst två praktikpass."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4131",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar("A1", "Teamet har arbetat med 22 familjer."),
            _klar("A2", "Barnsamtal finns i 94 procent av de avslutade utredningarna."),
            _klar(
                "A3",
                "Rutinen togs fram med skolans nya kurator och gäller sedan november.",
            ),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4132",
        AKTIVITETSPLAN,
        d("2025-12-18"),
        (
            _klar("A1", "SIP finns för 31 av 35 personer; fyra har tackat nej."),
            Row(
                "A2",
                FORSENAD,
                67,
                "Två lägenheter är inflyttade. Den tredje, i Sjöbackahems bestånd i Ekbacka, "
                "blir ledig i april 2026.",
            ),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4133",
        AKTIVITETSPLAN,
        d("2025-12-16"),
        (
            _klar("A1", "38 unga vuxna deltog; 15 har gått vidare till arbete eller studier."),
            _klar("A2", "Sedan juni görs 70 procent av ansökningarna i e-tjänsten."),
        ),
        done_on=d("2025-12-16"),
    ),
    TaskReport(
        "5111",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            _klar("A1"),
            _klar(
                "A2",
                "E-tjänsten öppnade i september; 46 procent av höstens ansökningar kom in "
                "digitalt.",
            ),
            _klar(
                "A3", "Ärenden äldre än fyra veckor minskade från 37 i januari till 9 i december."
            ),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "5112",
        AKTIVITETSPLAN,
        d("2025-12-19"),
        (
            Row(
                "A1",
                FORSENAD,
                80,
                "Granskningen flyttas till februari 2026, sedan dagvattenutredningen visat att "
                "planen behöver en fördröjningsdamm.",
            ),
            _klar("A2", "Godkänt av nämnden i december efter samråd med 212 yttranden."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "5113",
        AKTIVITETSPLAN,
        d("2025-12-17"),
        (
            _klar(
                "A1",
                "148 avlopp inspekterade; 23 fick förbud mot utsläpp och ska åtgärdas före 2027.",
            ),
            _klar("A2"),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "5121",
        AKTIVITETSPLAN,
        d("2025-12-18"),
        (
            Row(
                "A1",
                FORSENAD,
                70,
                "Den sista sträckan vid Ekbackavägen asfalteras i maj 2026; entreprenören hann "
                "inte före vintern.",
            ),
            _klar("A2", "Upphöjda övergångsställen vid båda skolorna var klara till skolstarten."),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "5122",
        AKTIVITETSPLAN,
        d("2025-12-12"),
        (
            _klar("A1", "Badbryggan med ramp och badstol invigdes till midsommar."),
            _klar("A2", "214 träd planterade i Norra Ekbacka och Sjöängen."),
        ),
        done_on=d("2025-12-12"),
    ),
    TaskReport(
        "5123",
        AKTIVITETSPLAN,
        d("2025-12-16"),
        (
            _klar(
                "A1",
                "17 läckor hittade; vattenförlusterna minskade från 21 till 16 procent av "
                "producerad mängd.",
            ),
            _klar("A2"),
            _klar("A3", "Planen övades i maj tillsammans med räddningstjänsten."),
        ),
        done_on=d("2025-12-16"),
    ),
    TaskReport(
        "5124",
        AKTIVITETSPLAN,
        d("2026-01-08"),
        (
            _klar("A1"),
            Row(
                "A2",
                FORSENAD,
                50,
                "Kopplingen till bygglovssystemet kräver en uppgradering som leverantören "
                "levererar i mars 2026.",
            ),
        ),
        done_on=d("2026-01-08"),  # late
    ),
)


# --- Socialnämndens åtgärdsplan ------------------------------------------------------------

MEASURES: tuple[TaskReport, ...] = (
    TaskReport(
        "4000",
        ATGARDSPLAN,
        d("2026-01-29"),
        (
            _klar(
                "ÅP1",
                "Alla enheter jämför planerad och utförd tid varje vecka. Bemanningen i "
                "hemtjänsten minskade med 6,5 årsarbetare utan att beviljad tid påverkades.",
            ),
            Row(
                "ÅP2",
                FORSENAD,
                75,
                "Poolen har 28 tillsvidareanställda. Andelen timmar som utförs av timavlönade "
                "minskade från 19 till 12 procent; målet 8 procent nås 2026, när personlig "
                "assistans går in i poolen.",
            ),
            _klar(
                "ÅP3",
                "Kostnaden för placeringar av barn och unga blev 4,2 mnkr lägre än 2024; fyra "
                "placeringar ersattes med familjebehandling i egen regi.",
            ),
            _klar(
                "ÅP4",
                "Alla 19 köpta platser är granskade. Två avtal omförhandlades, vilket ger 1,1 "
                "mnkr lägre kostnad på helår.",
            ),
            _klar("ÅP5", "Genomförd på alla enheter vid samtliga tio månadsuppföljningar."),
        ),
        done_on=d("2026-01-30"),
        reporter="4100",
    ),
    TaskReport(
        "4110",
        ATGARDSPLAN,
        d("2026-01-13"),
        (
            _klar("A1", "Rapporten går ut till alla enhetschefer varje måndag."),
            _klar("ÅP1", "Utförd tid ligger inom två procent av beviljad tid i alla grupper."),
            Row(
                "ÅP2",
                FORSENAD,
                70,
                "19 av poolens anställda arbetar i äldreomsorgen; helgpassen på boendena täcks "
                "ännu delvis av timavlönade.",
            ),
            _klar("ÅP5"),
        ),
        done_on=d("2026-01-13"),
    ),
    TaskReport(
        "4111",
        ATGARDSPLAN,
        d("2025-12-18"),
        (
            _klar("A1"),
            _klar("ÅP1", "Planeringen görs digitalt och stäms av mot beviljad tid varje dag."),
            Row(
                "ÅP2",
                FORSENAD,
                75,
                "Nio av tolv timavlönade har gått över till poolen; tre vill fortsätta som "
                "timavlönade.",
            ),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4112",
        ATGARDSPLAN,
        d("2026-01-09"),
        (
            _klar("A1", "Gemensamma kvällsturer sedan juni sparar omkring 30 timmar i veckan."),
            _klar("ÅP1"),
            _klar("ÅP2", "Sju tidigare timavlönade är anställda i poolen."),
            _klar("ÅP5"),
        ),
        done_on=d("2026-01-09"),
    ),
    TaskReport(
        "4113",
        ATGARDSPLAN,
        d("2025-12-16"),
        (
            _klar("A1", "Ett nattpass flyttades till Solbacken efter vårtyngdsmätningen."),
            _klar("A2", "Fem av åtta tackade ja."),
            _klar("ÅP1"),
            _klar("ÅP2"),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "4114",
        ATGARDSPLAN,
        d("2025-12-15"),
        (
            _klar("ÅP1"),
            Row(
                "ÅP2",
                FORSENAD,
                50,
                "Helgpassen bemannas fortfarande till stor del av timavlönade; poolen har för "
                "få undersköterskor med delegering för läkemedel.",
            ),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-15"),
    ),
    TaskReport(
        "4115",
        ATGARDSPLAN,
        d("2025-12-19"),
        (_klar("ÅP1"), _klar("ÅP2"), _klar("ÅP5")),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4116",
        ATGARDSPLAN,
        d("2025-12-22"),
        (
            _klar("ÅP2", "Hemsjukvården har inte använt timavlönade sjuksköterskor sedan maj."),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-22"),
    ),
    TaskReport(
        "4120",
        ATGARDSPLAN,
        d("2026-01-09"),
        (
            Row(
                "ÅP2",
                FORSENAD,
                60,
                "Poolen täcker LSS-boendena sedan oktober; personlig assistans följer 2026.",
            ),
            _klar(
                "ÅP4",
                "Fyra köpta platser granskade; en person flyttar hem till Gruppbostad Tallen i "
                "mars 2026.",
            ),
            _klar("ÅP5"),
        ),
        done_on=d("2026-01-09"),
    ),
    TaskReport(
        "4121",
        ATGARDSPLAN,
        d("2025-12-11"),
        (
            _klar("A1", "Tre fasta vikarier från poolen finns i schemat."),
            _klar("ÅP2"),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-11"),
    ),
    TaskReport(
        "4122",
        ATGARDSPLAN,
        d("2025-12-17"),
        (_klar("ÅP2"), _klar("ÅP5")),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "4123",
        ATGARDSPLAN,
        d("2025-12-18"),
        (_klar("ÅP2", "Verksamheten har inga timavlönade längre."), _klar("ÅP5")),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4124",
        ATGARDSPLAN,
        d("2025-12-19"),
        (
            Row(
                "ÅP2",
                EJ_STARTAD,
                0,
                "Assistansen går in i poolen i mars 2026, när de nya schemareglerna är "
                "förhandlade med de fackliga organisationerna.",
            ),
            _klar("ÅP4", "Två köpta assistansärenden granskade; priserna är i nivå med egen regi."),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4130",
        ATGARDSPLAN,
        d("2026-01-12"),
        (
            _klar("ÅP3", "Placeringskostnaderna för barn och unga minskade med 4,2 mnkr."),
            _klar("ÅP4", "Avtalet om missbruksvård omförhandlades från september."),
            _klar("ÅP5"),
        ),
        done_on=d("2026-01-12"),
    ),
    TaskReport(
        "4131",
        ATGARDSPLAN,
        d("2025-12-19"),
        (
            _klar("A1", "Fyra ungdomar har fått familjebehandling i stället för HVB."),
            _klar("ÅP3"),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "4132",
        ATGARDSPLAN,
        d("2025-12-18"),
        (
            _klar("A1"),
            _klar("ÅP3", "Två vuxna har flyttat från köpt boende till egen lägenhet med stöd."),
            _klar("ÅP4"),
            _klar("ÅP5"),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "4133",
        ATGARDSPLAN,
        d("2025-12-16"),
        (_klar("ÅP5"),),
        done_on=d("2025-12-16"),
    ),
)


# --- Barn- och utbildningsförvaltningens arbetsmiljömål ------------------------------------

WORK_ENVIRONMENT: tuple[TaskReport, ...] = (
    TaskReport(
        "3100",
        ARBETSMILJOMAL,
        d("2026-01-26"),
        (
            Row(
                "AM1",
                LANGSAMT,
                analysis=(
                    "Sjukfrånvaron i förvaltningen blev 7,2 procent för helåret, mot 7,6 procent "
                    "2024 och 8,1 procent 2023. Minskningen gäller främst korttidsfrånvaron i "
                    "grundskolan; i förskolan steg den under hösten i samband med en lång "
                    "infektionsperiod. Kvinnornas frånvaro, 8,0 procent, är dubbelt så hög som "
                    "männens, vilket speglar att förskolan har flest kvinnor och högst frånvaro. "
                    "Målet 6,5 procent 2026 nås inte i nuvarande takt."
                ),
                measures=(
                    "Förskoleavdelningen erbjuder samtal med företagshälsovården efter tredje "
                    "sjukfrånvarotillfället inom sex månader, från februari 2026."
                ),
                measures_responsible="Avdelningschef förskola",
                measures_due=d("2026-02-28"),
            ),
            Row("AM1.1", NARA, comment="Helåret 2025; kvinnor 8,0 %, män 4,1 %."),
            Row(
                "AM2",
                GODA,
                analysis=(
                    "Åtta av nio arbetsplatser har satt egna mål tillsammans med medarbetarna och "
                    "följer upp dem på arbetsplatsträffarna. Delaktigheten i höstens pulsmätning "
                    "varierade från 64 i Förskoleområde Centrum till 80 i Kulturskolan; Centrum "
                    "får stöd av HR under våren."
                ),
            ),
            Row(
                "AM2.1",
                INGET_VARDE,
                comment="Förvaltningen har inget eget värde; arbetsplatserna redovisar sina.",
            ),
        ),
        done_on=d("2026-01-27"),
    ),
    TaskReport(
        "3110",
        ARBETSMILJOMAL,
        d("2026-01-12"),
        (
            _klar("A1", "Tre träffar; rutinen för tidiga insatser gäller från januari 2026."),
            Row(
                "AM1",
                LANGSAMT,
                analysis=(
                    "Korttidsfrånvaron i förskolorna steg i oktober och november. Rutinen från "
                    "chefsforumet börjar användas fullt ut 2026."
                ),
            ),
            Row("AM2", GODA, analysis="Alla tre förskoleområden har egna arbetsmiljömål."),
            Row(
                "AM2.1",
                INGET_VARDE,
                comment="Avdelningen har ingen egen mätning; se förskoleområdenas värden.",
            ),
        ),
        done_on=d("2026-01-12"),
    ),
    TaskReport(
        "3111",
        ARBETSMILJOMAL,
        d("2025-12-15"),
        (
            _klar("A1"),
            Row(
                "AM1",
                GODA,
                analysis=(
                    "Vi har haft färre korttidsfrånvarotillfällen än förra året, efter vårens "
                    "tema om frisknärvaro på arbetsplatsträffarna."
                ),
            ),
            Row(
                "AM2",
                GODA,
                analysis=(
                    "Varje avdelning har två egna mål som följs upp varannan arbetsplatsträff."
                ),
            ),
            Row("AM2.1", NARA, comment="Pulsmätningen i maj: 73 mot målet 75."),
        ),
        done_on=d("2025-12-16"),
    ),
    TaskReport(
        "3112",
        ARBETSMILJOMAL,
        d("2025-12-18"),
        (
            Row(
                "AM1",
                LANGSAMT,
                analysis="Två långa sjukskrivningar under hösten gör att frånvaron inte minskat.",
            ),
            Row(
                "AM2",
                LANGSAMT,
                analysis="Målen sattes först i september, efter bytet av biträdande rektor.",
            ),
            Row(
                "AM2.1",
                MED,
                comment="Pulsmätningen i oktober; målen kom på plats sent och syns inte än.",
            ),
        ),
        done_on=d("2025-12-18"),
    ),
    TaskReport(
        "3113",
        ARBETSMILJOMAL,
        d("2026-01-07"),
        (
            Row(
                "AM1",
                ATGARDER,
                analysis=(
                    "Sammanslagningen med Väster har gett hög arbetsbelastning, och "
                    "sjukfrånvaron ökade under hösten."
                ),
                measures="Extra bemanning vid inskolningen och handledning för arbetslagen.",
            ),
            Row(
                "AM2",
                ATGARDER,
                analysis=(
                    "Medarbetarna från de två tidigare områdena har ännu inte hittat gemensamma "
                    "mål; delaktigheten är lägst i förvaltningen."
                ),
                measures="Gemensam planeringsdag i mars med stöd av HR.",
            ),
            Row("AM2.1", MED, comment="Första mätningen efter sammanslagningen."),
        ),
        done_on=d("2026-01-07"),
    ),
    TaskReport(
        "3120",
        ARBETSMILJOMAL,
        d("2026-01-13"),
        (
            Row("AM1", GODA, analysis="Korttidsfrånvaron i grundskolan minskade för andra året."),
            Row("AM2", GODA, analysis="Alla fem enheter har egna mål och följer upp dem."),
            Row("AM2.1", INGET_VARDE, comment="Avdelningen har ingen egen mätning."),
        ),
        done_on=d("2026-01-13"),
    ),
    TaskReport(
        "3121",
        ARBETSMILJOMAL,
        d("2025-12-19"),
        (
            _klar("A1", "Alla sju arbetslag har satt mål och följt upp dem på fyra månadsmöten."),
            Row("AM1", GODA, analysis="Sjukfrånvaron är den lägsta på fem år."),
            Row(
                "AM2",
                GODA,
                analysis="Arbetslagens egna mål följs upp varje månad sedan augusti.",
            ),
            Row("AM2.1", UTAN, comment="Pulsmätningen i maj."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "3122",
        ARBETSMILJOMAL,
        d("2025-12-12"),
        (
            Row(
                "AM1",
                GODA,
                analysis="Frånvaron ligger stabilt lågt; personalen har fått nya arbetsstolar.",
            ),
            Row("AM2", GODA, analysis="Målen togs fram på studiedagen i augusti."),
            Row("AM2.1", UTAN, comment="Pulsmätningen i oktober."),
        ),
        done_on=d("2025-12-12"),
    ),
    TaskReport(
        "3123",
        ARBETSMILJOMAL,
        d("2025-12-22"),
        (
            _klar(
                "A1",
                "Företagshälsovårdens rapport kom i augusti och är genomgången i alla arbetslag; "
                "tre åtgärder är beslutade.",
            ),
            Row(
                "AM1",
                LANGSAMT,
                analysis=(
                    "Kartläggningen visade hög arbetsbelastning kring bedömning och dokumentation "
                    "i åk 9; sjukfrånvaron är oförändrad."
                ),
            ),
            Row(
                "AM2",
                LANGSAMT,
                analysis="Arbetslagen har mål, men uppföljningen har fått stå tillbaka i höst.",
            ),
            Row("AM2.1", MED, comment="Pulsmätningen i oktober; se kartläggningen."),
        ),
        done_on=d("2025-12-22"),
    ),
    TaskReport(
        "3124",
        ARBETSMILJOMAL,
        d("2025-12-19"),
        (
            Row("AM1", GODA, analysis="Ingen långtidssjukskrivning under året."),
            Row("AM2", GODA, analysis="Teamets mål följs upp på varje teamträff."),
            Row("AM2.1", UTAN, comment="Pulsmätningen i oktober."),
        ),
        done_on=d("2025-12-19"),
    ),
    TaskReport(
        "3125",
        ARBETSMILJOMAL,
        d("2025-12-29"),
        (
            Row("AM1", GODA, analysis="Låg sjukfrånvaro hela året."),
            Row(
                "AM2",
                GODA,
                analysis="Lärarna satte målen själva i samband med terminsplaneringen.",
            ),
            Row("AM2.1", UTAN, comment="Pulsmätningen i oktober."),
        ),
        done_on=d("2025-12-30"),
    ),
)


# --- Internkontroll ------------------------------------------------------------------------
# The plan is the municipality's; each förvaltning (and HR-avdelningen for
# IK3) reports the control points shared to it. The root's own task holds
# the same points, reported by the förvaltningar, and is marked done by the
# kommundirektör once they have reported.

INTERNAL_CONTROL: tuple[TaskReport, ...] = (
    TaskReport(
        "1100",
        INTERNKONTROLLPLAN,
        d("2026-01-21"),
        (
            Row(
                "IK1",
                IK_OK,
                comment="15 beslut granskade; alla fattade av rätt delegat och anmälda till "
                "kommunstyrelsen.",
            ),
            Row(
                "IK2",
                IK_ANM,
                comment="Kontinuitetsplanen för löneutbetalningarna är inaktuell sedan bytet av "
                "lönesystem. Övriga planer är aktuella, och planen för it-avbrott övades i "
                "november.",
                measures="Löneenheten uppdaterar planen och övar den tillsammans med HR.",
                measures_responsible="Lönechef",
                measures_due=d("2026-04-30"),
            ),
            Row("IK4", IK_OK, comment="Ingen medarbetare över 150 timmar övertid."),
            Row("IK5", IK_OK, comment="25 fakturor granskade utan anmärkning."),
            Row(
                "IK6",
                IK_ANM,
                comment="Två köp av konsulttjänster, på 140 000 och 210 000 kronor, saknade "
                "dokumentation av direktupphandlingen.",
                measures="Köp av konsulttjänster över 100 000 kronor godkänns av "
                "upphandlingschefen från januari 2026.",
                measures_responsible="Upphandlingschef",
                measures_due=d("2026-01-31"),
            ),
            Row("IK7", IK_OK, comment="Alla handlingar i stickprovet registrerade i tid."),
            Row(
                "IK8", IK_OK, comment="Nio avslutade anställningar; inga kvarvarande behörigheter."
            ),
        ),
        done_on=d("2026-01-22"),
    ),
    TaskReport(
        "1120",
        INTERNKONTROLLPLAN,
        d("2026-01-12"),
        (
            Row(
                "IK3",
                IK_OK,
                comment="Tio anställningar i HR-avdelningens stickprov; utdrag fanns där det "
                "krävs. Anställningsbeslutet kan nu bara signeras när utdraget är registrerat.",
            ),
        ),
        done_on=d("2026-01-12"),
    ),
    TaskReport(
        "3100",
        INTERNKONTROLLPLAN,
        d("2026-01-26"),
        (
            Row("IK1", IK_OK, comment="15 beslut granskade i december, inga avvikelser."),
            Row(
                "IK2",
                IK_OK,
                comment="Kontinuitetsplaner finns för alla förskolor och skolor; Sjöbackaskolans "
                "plan prövades vid strömavbrottet den 12 november och fungerade.",
            ),
            Row(
                "IK3",
                IK_OK,
                comment="20 anställningar granskade under hösten; utdrag fanns för alla.",
            ),
            Row(
                "IK4",
                IK_ANM,
                comment="Två lärare på Sjöbackaskolan passerade 150 timmars övertid under hösten, "
                "mot tre i grundskolan vid delåret.",
                measures="Övertiden följs upp varje månad på rektorsmötet, och vikariepoolen "
                "utökas med två tjänster från januari.",
                measures_responsible="Grundskolechef",
                measures_due=d("2026-03-31"),
            ),
            Row("IK5", IK_OK, comment="25 fakturor granskade utan anmärkning."),
            Row(
                "IK6",
                IK_ANM,
                comment="Skolskjutsar för 380 000 kronor köptes utanför avtal under oktober och "
                "november, när det gamla avtalet hade löpt ut.",
                measures="Ny upphandling av skolskjuts; avtalet gäller från 1 januari 2026.",
                measures_responsible="Grundskolechef",
                measures_due=d("2026-01-01"),
            ),
            Row(
                "IK7",
                IK_OK,
                comment="Gjord i oktober: 58 av 60 handlingar registrerade inom tre dagar, två "
                "inom fem.",
            ),
            Row("IK8", IK_OK, comment="14 avslutade anställningar, alla konton spärrade."),
        ),
        done_on=d("2026-01-27"),
    ),
    TaskReport(
        "4100",
        INTERNKONTROLLPLAN,
        d("2026-01-28"),
        (
            Row(
                "IK1",
                IK_ANM,
                comment="Två av 15 beslut om ekonomiskt bistånd fattades av en handläggare utan "
                "delegation för beloppet.",
                measures="Delegationsordningen är förtydligad och har gåtts igenom på "
                "arbetsplatsträffarna.",
                measures_responsible="Verksamhetschef individ- och familjeomsorg",
                measures_due=d("2026-02-28"),
            ),
            Row(
                "IK2",
                IK_OK,
                comment="Planer finns för hemtjänst, särskilda boenden och LSS; hemtjänstens plan "
                "övades i oktober.",
            ),
            Row(
                "IK3",
                IK_ANM,
                comment="Utdrag saknades för en av tio nyanställda i personlig assistans, som "
                "arbetade två pass innan utdraget visades.",
                measures="Bemanningssystemet låser schemat tills utdraget är registrerat.",
                measures_responsible="HR-specialist",
                measures_due=d("2026-02-28"),
            ),
            Row(
                "IK4",
                IK_ANM,
                comment="Fyra medarbetare i hemtjänsten över 150 timmar, mot sex vid delåret.",
                measures="Uppföljning varje månad med HR; bemanningspoolen fortsätter ta "
                "kvällspassen.",
                measures_responsible="Verksamhetschef äldreomsorg",
                measures_due=d("2026-06-30"),
            ),
            Row("IK5", IK_OK, comment="25 fakturor granskade utan anmärkning."),
            Row("IK6", IK_OK, comment="Inga köp utanför avtal över gränsen."),
            Row("IK7", IK_OK, comment="Inga avvikelser i stickprovet."),
            Row(
                "IK8",
                IK_ANM,
                comment="Tre personer som slutat hade kvar behörighet i verksamhetssystemet i mer "
                "än en månad.",
                measures="Avslutade anställningar stängs i verksamhetssystemet samma dag, utifrån "
                "personalsystemets lista.",
                measures_responsible="Systemförvaltare",
                measures_due=d("2026-03-31"),
            ),
        ),
        done_on=d("2026-01-29"),
    ),
    TaskReport(
        "5100",
        INTERNKONTROLLPLAN,
        d("2026-01-23"),
        (
            Row("IK1", IK_OK, comment="15 beslut granskade, inga avvikelser."),
            Row("IK2", IK_OK, comment="Vattenverkets plan övades i maj med räddningstjänsten."),
            Row("IK4", IK_OK, comment="Högst 96 timmar övertid, vid vattenverket."),
            Row("IK5", IK_OK, comment="25 fakturor granskade utan anmärkning."),
            Row("IK6", IK_OK, comment="Alla köp över 100 000 kronor var dokumenterade."),
            Row(
                "IK7",
                IK_ANM,
                comment="11 av 40 inkomna handlingar i bygglovsärenden registrerades först efter "
                "fem dagar eller mer.",
                measures="E-tjänsten registrerar ansökningar direkt i diariet sedan september; "
                "kontrollen görs om i maj 2026.",
                measures_responsible="Registrator",
                measures_due=d("2026-05-31"),
            ),
            Row(
                "IK8", IK_OK, comment="Sex avslutade anställningar, inga kvarvarande behörigheter."
            ),
        ),
        done_on=d("2026-01-23"),
    ),
    TaskReport("1000", INTERNKONTROLLPLAN, d("2026-02-02"), (), d("2026-02-02"), "1100"),
)


# --- Egenkontroll ----------------------------------------------------------------------------

SELF_INSPECTION: tuple[TaskReport, ...] = (
    TaskReport(
        "3111",
        EGENKONTROLLPLAN,
        d("2025-12-15"),
        (
            Row("EK1", IK_OK, comment="Tolv kontroller; två trasiga gungor byttes inom en vecka."),
            Row(
                "EK2",
                IK_ANM,
                comment="Temperaturen dokumenterades inte vid leverans på en avdelning under tre "
                "veckor i oktober.",
                measures="Ny genomgång med kökspersonalen; rektor kontrollerar listorna varje "
                "vecka under våren.",
                measures_responsible="Biträdande rektor",
                measures_due=d("2026-03-31"),
            ),
            Row(
                "EK3",
                IK_OK,
                comment="Övningar i april och oktober; alla barn ute inom fyra minuter.",
            ),
        ),
        done_on=d("2025-12-16"),
    ),
    TaskReport(
        "4113",
        EGENKONTROLLPLAN,
        d("2025-12-16"),
        (
            Row(
                "EK1",
                IK_ANM,
                comment="Två signeringslistor var ofullständiga i november; narkotikaförrådet "
                "stämde.",
                measures="Sjuksköterskan går igenom listorna varje vecka till och med mars.",
                measures_responsible="Sjuksköterska",
                measures_due=d("2026-03-31"),
            ),
            Row(
                "EK2",
                IK_OK,
                comment="92 procent följde de basala hygienrutinerna i höstens observationer, mot "
                "84 procent i våras.",
            ),
            Row("EK3", IK_OK),
            Row(
                "EK4",
                IK_ANM,
                comment="Sju av 31 avvikelser var inte utredda inom två veckor.",
                measures="Avvikelserna gås igenom på varje veckomöte med sjuksköterskan.",
                measures_responsible="Enhetschef",
                measures_due=d("2026-02-28"),
            ),
        ),
        done_on=d("2025-12-17"),
    ),
    TaskReport(
        "5123",
        EGENKONTROLLPLAN,
        d("2025-12-16"),
        (
            Row(
                "EK1",
                IK_OK,
                comment="Alla 96 prover tagna; ett prov i Ekbacka med anmärkning åtgärdades med "
                "spolning samma vecka.",
            ),
            Row(
                "EK2",
                IK_ANM,
                comment="Två av fem reservkraftverk var på service vid strömavbrottet den 12 "
                "november, och avloppsvatten bräddade till sjön i två timmar.",
                measures="Service av reservkraften görs i fortsättningen ett verk i taget, med "
                "mobilt verk i beredskap.",
                measures_responsible="Drifttekniker",
                measures_due=d("2026-03-31"),
            ),
            Row("EK3", IK_OK),
        ),
        done_on=d("2025-12-16"),
    ),
)


REPORTS: tuple[TaskReport, ...] = (
    COUNCIL,
    EXECUTIVE_BOARD,
    EDUCATION_COMMITTEE,
    SOCIAL_COMMITTEE,
    PLANNING_COMMITTEE,
    HOUSING_COMPANY,
    *OPERATIONAL_GOALS,
    *ACTIVITIES,
    *MEASURES,
    *WORK_ENVIRONMENT,
    *INTERNAL_CONTROL,
    *SELF_INSPECTION,
)


# --- The measures of the delårsbokslut, followed up -----------------------------------------


@dataclass(frozen=True)
class FollowedUp:
    """What came of a measure reported on a control point at the
    delårsbokslut (MeasureFollowUp), written by the unit's manager at the
    årsbokslut on `on`."""

    unit: str
    number: str
    result: str
    done: bool
    on: datetime.date


MEASURE_FOLLOWUPS: tuple[FollowedUp, ...] = (
    FollowedUp(
        "3100",
        "IK2",
        "Kontinuitetsplanerna för de två förskolorna antogs i oktober.",
        True,
        d("2026-01-26"),
    ),
    FollowedUp(
        "3100",
        "IK4",
        "Schemat är omlagt på Björkängsskolan, men två lärare på Sjöbackaskolan har fortfarande "
        "för mycket övertid; se årets kontroll.",
        False,
        d("2026-01-26"),
    ),
    FollowedUp(
        "4100",
        "IK4",
        "Poolen tar sedan september omkring 40 kvällspass i månaden, och de som passerat gränsen "
        "har blivit färre. En ny åtgärd är beslutad vid årsbokslutet.",
        True,
        d("2026-01-28"),
    ),
)
