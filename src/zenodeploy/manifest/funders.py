"""The funders whose awards Zenodo holds, by Crossref Funder DOI (a legacy grant id names one)."""

#: Crossref Funder DOI → ROR id: the funders whose awards Zenodo holds, as its legacy reader maps
#: a grant's funder DOI (zenodo-rdm legacy/zenodo_legacy/funders.py, FUNDER_DOI_TO_ROR; RCUK's
#: awards moved to UKRI). Any other funder DOI is kept as the id there, which Zenodo's funder
#: vocabulary does not know.
FUNDER_ROR = {
    "10.13039/501100001665": "00rbzpz17",  # ANR
    "10.13039/501100002341": "05k73zm37",  # Academy of Finland
    "10.13039/501100000923": "05mmh0f86",  # ARC
    "10.13039/100018231": "03zj4c476",  # ASAP
    "10.13039/501100000024": "01gavpb45",  # CIHR
    "10.13039/501100000780": "00k4n6c32",  # European Commission
    "10.13039/501100000806": "02k4b9v70",  # EEA
    "10.13039/501100001871": "00snfqn58",  # FCT
    "10.13039/501100002428": "013tf3c58",  # FWF
    "10.13039/501100004488": "03n51vw80",  # HRZZ
    "10.13039/501100004564": "01znas443",  # MESTD
    "10.13039/501100000925": "011kf5r70",  # NHMRC
    "10.13039/100000002": "01cwqze88",  # NIH
    "10.13039/501100000038": "01h531d29",  # NSERC
    "10.13039/100000001": "021nxhr62",  # NSF
    "10.13039/501100003246": "04jsz6e67",  # NWO
    "10.13039/501100000690": "001aqnf71",  # RCUK → UKRI
    "10.13039/100014013": "001aqnf71",  # UKRI
    "10.13039/501100001602": "0271asj38",  # SFI
    "10.13039/501100001711": "00yjd3n13",  # SNSF
    "10.13039/100001345": "006cvnv84",  # SSHRC
    "10.13039/501100004410": "04w9kkr77",  # TÜBİTAK
    "10.13039/100004440": "029chgv08",  # Wellcome Trust
    "10.13039/501100006364": "03m8vkq32",  # INCa
}
