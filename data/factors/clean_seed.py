#!/usr/bin/env python3
"""Turns shared/data/accounting/factor_reference.csv into the shipped factor library
(Sources/CarbonData/Resources/factors.csv). Run once by hand when the seed changes; the output
is committed. It adds the columns a lookup needs (parameter, subject, region_level, scope),
splits the seed's free-text years into a data year plus a note, and keeps every row's source
and verification status unchanged. It fails on any row it does not know how to classify."""
import csv, re, sys
from decimal import Decimal, getcontext

getcontext().prec = 50
seed = sys.argv[1] if len(sys.argv) > 1 else "../../../shared/data/accounting/factor_reference.csv"
out = sys.argv[2] if len(sys.argv) > 2 else "../../Sources/CarbonData/Resources/factors.csv"

CN_FUELS = {"NG": "natural_gas", "RAWCOAL": "raw_coal", "WASHCOAL": "washed_coal", "OTHERWASH": "other_washed_coal",
            "COKE": "coke", "CRUDE": "crude_oil", "FUELOIL": "fuel_oil", "GASOLINE": "gasoline",
            "KEROSENE": "kerosene", "DIESEL": "diesel", "LPG": "lpg", "REFGAS": "refinery_gas", "TAR": "coal_tar",
            "BENZOL": "crude_benzol", "COG": "coke_oven_gas", "OTHERGAS": "other_coal_gas"}
IPCC_FUELS = {"Natural Gas": "natural_gas", "Gas/Diesel Oil": "diesel", "Motor Gasoline": "gasoline", "LPG": "lpg",
              "Residual Fuel Oil": "fuel_oil", "Other Kerosene": "kerosene", "Jet Kerosene": "jet_kerosene",
              "Crude Oil": "crude_oil", "Anthracite": "anthracite", "Other Bituminous Coal": "bituminous_coal",
              "Sub-Bituminous Coal": "sub_bituminous_coal", "Lignite": "lignite", "Coke Oven Coke": "coke",
              "Petroleum Coke": "petroleum_coke"}
PARAM = {"NCV": "ncv", "CC": "carbon_content", "OF": "oxidation"}
# Molar masses (g/mol) for carbonate decomposition factors: CO2 released per tonne of carbonate.
# The seed rounds them to 5 places; a derived factor is kept at 12 so sums match the worked cases.
MOLAR = {"CO2": Decimal("44.0095"), "calcite": Decimal("100.0869"), "magnesite": Decimal("84.3139"),
         "dolomite": Decimal("184.399"), "siderite": Decimal("115.8539"), "sodium": Decimal("105.9884")}
CO2_PER_MOLE = {"calcite": 1, "magnesite": 1, "dolomite": 2, "siderite": 1, "sodium": 1}
CARB_SUBJECT = {"sodium": "soda_ash"}


def classify(r):
    fid, unit = r["factor_id"], r["unit"]
    m = re.fullmatch(r"CN-ELEC-(NAT|NATEXMKT|NATFOSSIL|REG-(.+)|PROV-(.+))-(\d{4})", fid)
    if m:
        kind = m.group(1)
        level = "national" if kind.startswith("NAT") else ("grid_region" if kind.startswith("REG") else "province")
        scope = {"NATEXMKT": "excluding_market_nonfossil", "NATFOSSIL": "fossil"}.get(kind, "average")
        return dict(parameter="grid_factor", subject="electricity", region_level=level, scope=scope)
    if fid.startswith("CN-ETS-GRID-"):
        scope = "ets_reporting" if fid.endswith("RPT") else "ets_guideline"
        return dict(parameter="grid_factor", subject="electricity", region_level="national", scope=scope)
    if fid == "CN-REG-GX-GRID":
        return dict(parameter="grid_factor", subject="electricity", region_level="province", scope="as_quoted")
    if fid == "CN-HEAT-DEFAULT":
        return dict(parameter="heat_factor", subject="heat", region_level="national", scope="default")
    if fid.startswith("CN-POWER-COAL-CC-DEFAULT"):
        return dict(parameter="carbon_content", subject="coal", region_level="national", scope="power_sector_unmeasured")
    if fid == "CN-POWER-COAL-OF":
        return dict(parameter="oxidation", subject="coal", region_level="national", scope="power_sector")
    if fid in ("CN-LIQUID-OF", "CN-GAS-OF"):
        return dict(parameter="oxidation", subject="liquid_fuels" if "LIQUID" in fid else "gaseous_fuels",
                    region_level="national", scope="default")
    m = re.fullmatch(r"CN-([A-Z]+)-(NCV|CC|OF)", fid)
    if m and m.group(1) in CN_FUELS:
        return dict(parameter=PARAM[m.group(2)], subject=CN_FUELS[m.group(1)], region_level="national", scope="default")
    m = re.fullmatch(r"IPCC-(NCV|EFCO2)-(.+)", fid)
    if m:
        return dict(parameter="ncv" if m.group(1) == "NCV" else "co2_factor", subject=IPCC_FUELS[m.group(2)],
                    region_level="global", scope="ipcc_2006")
    m = re.fullmatch(r"IPCC-(CH4|N2O)-(.+)-(coal|oil|natural_gas)", fid)
    if m:
        sector = {"energy_industries+manufacturing": "energy_manufacturing"}.get(m.group(2), m.group(2))
        return dict(parameter=m.group(1).lower() + "_factor", subject=m.group(3), region_level="global",
                    scope="ipcc_2006_" + sector)
    m = re.fullmatch(r"CARB-(.+)", fid)
    if m:
        return dict(parameter="process_factor", subject=CARB_SUBJECT.get(m.group(1), m.group(1)),
                    region_level="global", scope="stoichiometry")
    m = re.fullmatch(r"CN-REG-(COAL|OIL|GAS)-TCE", fid)
    if m:
        return dict(parameter="tce_factor", subject=m.group(1).lower(), region_level="national", scope="provincial_inventory")
    if fid == "CN-CO2-DENSITY":
        return dict(parameter="constant", subject="co2_density", region_level="", scope="default")
    if fid == "CN-STEAM-ENTHALPY-REF":
        return dict(parameter="constant", subject="feedwater_enthalpy", region_level="", scope="default")
    raise SystemExit(f"unclassified seed row: {fid}")


def year(text):
    text = text.strip()
    if text in ("", "-"):
        return "", ""
    if re.fullmatch(r"\d{4}", text):
        return text, ""
    m = re.fullmatch(r"(\d{4}) guideline", text)
    if m:
        return m.group(1), text
    return "", text


columns = ["factor_id", "category", "parameter", "subject", "name", "value", "unit", "gas", "region", "region_level",
           "scope", "data_year", "year_note", "publication", "source_read", "verification_status", "notes"]
rows = []
for r in csv.DictReader(open(seed, encoding="utf-8")):
    c = classify(r)
    data_year, note = year(r["data_year"])
    value, unit, notes = r["value"], r["unit"], r["notes"]
    if c["parameter"] == "co2_factor" and unit == "kg/TJ":
        unit = "kgCO2/TJ"  # the CO2 factor's mass is CO2: say so, so the unit check can see it
    if c["parameter"] == "process_factor":
        key = r["factor_id"][5:]
        exact = MOLAR["CO2"] * CO2_PER_MOLE[key] / MOLAR[key]
        value = str(exact.quantize(Decimal("0.000000000001")))
        notes = (notes + "; " if notes else "") + f"seed value {r['value']}; recomputed from molar masses to 12 places"
    region = "" if r["region"] == "-" else r["region"]
    gas = "" if r["gas"] == "-" else r["gas"]
    rows.append(dict(factor_id=r["factor_id"], category=r["category"], name=r["name"], value=value, unit=unit, gas=gas,
                     region=region, data_year=data_year, year_note=note, publication=r["standard_or_publication"],
                     source_read="" if r["source_read"] == "-" else r["source_read"],
                     verification_status=r["verification_status"], notes=notes, **c))
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
print(f"{len(rows)} factors written to {out}")
