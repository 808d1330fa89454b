#!/usr/bin/env bash
# Rebuild the bundled sample's change sets (modifications/) with sectool itself, from the
# sample documents as they are now. Run after editing the sample text, then review the diff.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sectool init "$work/sec" --sample >/dev/null
cd "$work/sec"
git rm -rq modifications && git commit -qm "start without change sets"

edit() {  # edit FILE OLD NEW: replace text that must appear exactly once
    python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
assert text.count(old) == 1, (path, old, text.count(old))
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PY
}

# SECMP0035: the Organisation ARL expiry aligned to the DCCKI ARL (Appendix B, Appendix S)
sectool mod new SECMP0035 --path 3 --date 2017-01-10 \
    --title "Updates to SEC Appendix B - Organisation ARL expiration date to be aligned to DCCKI ARL"
edit appendices/B.md "state an expiry date that falls 12 months after the date on which it was issued." \
    "state an expiry date that falls up to 13 months after the date on which it was issued."
edit appendices/B.md "4.3.2 Each Party that relies on an Organisation Certificate shall check it against the current Organisation ARL before relying on it." \
"4.3.2 Each Party that relies on an Organisation Certificate shall check it against the current Organisation ARL before relying on it.

4.3.3 The expiry period of the Organisation ARL is aligned with that of the DCCKI ARL under Appendix S 4.3, so that a relying party may continue to rely on the Organisation ARL for up to one month while a replacement is published."
edit appendices/S.md "allows a relying party to continue to rely on a DCCKI ARL while a replacement is published." \
    "allows a relying party to continue to rely on a DCCKI ARL while a replacement is published, and is the same margin as applies to the Organisation ARL under Appendix B 4.3."
sectool mod record SECMP0035
sectool mod advance SECMP0035 initial-report --date 2017-01-25 --note "Initial Modification Report presented to the Panel"
sectool mod advance SECMP0035 report-phase --date 2017-01-25 --note "Panel sent it straight to the Report Phase"
sectool mod advance SECMP0035 consultation --date 2017-03-03 --note "Modification Report Consultation issued"
sectool mod advance SECMP0035 change-board --date 2017-04-26
sectool mod advance SECMP0035 approved --date 2017-05-24 --note "Change Board approved (self-governance)"

# The Secretary of State's re-designation of Appendix AC (1.2) and Appendix AD (1.1)
sectool mod new SOS-2017-R1.3 --kind direction --path re-designation --date 2017-07-14 \
    --title "Re-designation of Appendix AC and Appendix AD for the Release 1.3 go-live"
edit appendices/AC.md '2.3 The DCC shall add the Device to the Inventory with the status "pending" within one Working Day of receiving complete information under paragraph 2.2.' \
    '2.3 The DCC shall add the Device to the Inventory with the status "pending" within two Working Days of receiving complete information under paragraph 2.2, and shall tell the Supplier Party if the information is incomplete.'
edit appendices/AC.md "5.3 A withdrawn Smart Metering System may be enrolled again in accordance with paragraph 4.1." \
'5.3 A withdrawn Smart Metering System may be enrolled again in accordance with paragraph 4.1.

## 6 Decommissioning

6.1 A Supplier Party shall send the Service Request set out for that purpose in the DCC User Interface Specification when a Device is permanently removed from a premises, and the DCC shall set its status to "decommissioned" in the Inventory.

6.2 A decommissioned Device shall not be added to the Inventory again.'
edit appendices/AD.md "(c) the service reference for the service requested; and

(d) the role in which the User is acting." "(c) the service reference for the service requested;

(d) the role in which the User is acting; and

(e) where the Service Request is to be processed at a future date, that date and time."
edit appendices/AD.md "3.3 Service Requests may be sent for immediate processing or for processing at a future date and time specified in the Service Request." \
"3.3 Service Requests may be sent for immediate processing or for processing at a future date and time specified in the Service Request in accordance with paragraph 3.1(e).

3.4 The DCC shall publish, for each service reference, whether a Service Request for that service may be sent for future processing."
sectool mod record SOS-2017-R1.3
python3 - <<'PY'
import json
path = "modifications/SOS-2017-R1.3/change.json"
data = json.load(open(path))
data["documents"]["Appendix AC"]["version"] = "1.2"
data["documents"]["Appendix AD"]["version"] = "1.1"
open(path, "w").write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
PY
git commit -qam "SOS-2017-R1.3: target versions AC 1.2, AD 1.1"

# SECMP0039: in refinement, draft legal text (Party Details)
sectool mod new SECMP0039 --path 3 --date 2017-06-20 --title "Keeping Party Details up to date"
edit sections/M.md "shall notify the Code Administrator of any change to its Party Details within five Working Days of that change." \
    "shall notify the Code Administrator of any change to its Party Details within five Working Days of that change, and shall confirm its Party Details to the Code Administrator at least once in each year."
edit sections/A.md '"Party Details" means, in respect of each Party, the information listed in Section M6.3.' \
    '"Party Details" means, in respect of each Party, the information listed in Section M6.3, as most recently notified or confirmed to the Code Administrator under Section M6.2.'
sectool mod record SECMP0039
sectool mod advance SECMP0039 initial-report --date 2017-07-19 --note "Initial Modification Report presented"
sectool mod advance SECMP0039 refinement --date 2017-07-19 --note "Panel sent it to the Refinement Process"

# SECMP0006: in consultation, draft legal text (User Security Assessment)
sectool mod new SECMP0006 --path 2 --date 2016-09-14 --title "User Security Assessment follow-up"
edit sections/G.md "(ii) be reported against to the Panel until each action is completed." \
    "(ii) be reported against to the Panel at least once in every three months until each action is completed."
edit sections/G.md "G6.3 Where a User fails" "G6.2A The Panel may direct that a further User Security Assessment be carried out where it considers that a plan under Section G6.2(b) has not been carried out.

G6.3 Where a User fails"
sectool mod record SECMP0006
sectool mod advance SECMP0006 initial-report --date 2016-10-19
sectool mod advance SECMP0006 refinement --date 2016-10-19
sectool mod advance SECMP0006 report-phase --date 2017-06-21 --note "Draft Modification Report reviewed"
sectool mod advance SECMP0006 consultation --date 2017-07-21 --note "Modification Report Consultation issued; responses due 2017-08-11"

# A deliberately conflicting pair: both change Section F8.6(a)
sectool mod new SECMP0041 --path 3 --date 2017-07-05 --title "Faster reporting of faulty Communications Hubs"
edit sections/F.md "(a) report the fault to the DCC through the DCC User Interface within five Working Days of becoming aware of it;" \
    "(a) report the fault to the DCC through the DCC User Interface within two Working Days of becoming aware of it;"
sectool mod record SECMP0041
sectool mod new SECMP0042 --path 2 --date 2017-07-12 --title "Communications Hub fault reporting channels"
edit sections/F.md "(a) report the fault to the DCC through the DCC User Interface within five Working Days of becoming aware of it;" \
    "(a) report the fault to the DCC through the DCC User Interface, or through any other channel the DCC publishes for that purpose, within five Working Days of becoming aware of it;"
sectool mod record SECMP0042

rm -rf "$repo/modifications"
cp -r modifications "$repo/modifications"
rm -f "$repo/modifications/.gitkeep"
echo "regenerated $(find "$repo/modifications" -name change.json | wc -l) change sets in $repo/modifications"
