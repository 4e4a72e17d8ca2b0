"""Made-up names for the demo school's students, in the mix an Aotearoa classroom might have.

Each community lists the ethnicity a school management system would record, a rough share of
the roll, given names by gender and family names. Every student generated from these is
fictional.
"""

from __future__ import annotations

COMMUNITIES: list[dict] = [
    {"ethnicity": "NZ European", "weight": 40,
     "female": ["Charlotte", "Isla", "Olivia", "Ruby", "Lily", "Harper", "Sophie", "Georgia",
                "Amelia", "Zoe", "Maddison", "Ella"],
     "male": ["Oliver", "Jack", "Noah", "Leo", "George", "Hunter", "Lucas", "Finn", "Thomas",
              "Archie", "Max", "Hamish"],
     "families": ["Smith", "Wilson", "Thompson", "Brown", "Campbell", "MacDonald", "Taylor",
                  "Anderson", "Robertson", "Harris", "Clarke", "Reid", "Fraser", "Bennett"]},
    {"ethnicity": "Māori", "weight": 24,
     "female": ["Aroha", "Hine", "Kaia", "Anahera", "Ataahua", "Tūī", "Ngaio", "Manaia",
                "Maia", "Huia", "Te Aomihia"],
     "male": ["Wiremu", "Nīkau", "Tamati", "Rāwiri", "Ihaia", "Kauri", "Mikaere", "Te Ariki",
              "Tāne", "Rongo", "Matiu", "Kahu"],
     "families": ["Ngata", "Parata", "Tawhiri", "Te Awa", "Horomona", "Rangi", "Karaka",
                  "Pōmare", "Tipene", "Hēnare", "Wihongi", "Te Rito"]},
    {"ethnicity": "Samoan", "weight": 8,
     "female": ["Losa", "Sina", "Talia", "Leilani", "Malia"],
     "male": ["Ioane", "Tavita", "Lui", "Pita", "Josiah"],
     "families": ["Tuilagi", "Fonoti", "Aumua", "Vaifale", "Leota"]},
    {"ethnicity": "Tongan", "weight": 5,
     "female": ["Mele", "Seini", "Salote", "Lupe", "Vika"],
     "male": ["Sione", "Tevita", "Viliami", "Semisi", "Malakai"],
     "families": ["Taufa", "Fifita", "Latu", "Havili", "Tupou"]},
    {"ethnicity": "Cook Islands Māori", "weight": 3,
     "female": ["Tiare", "Tepaeru", "Teuira"],
     "male": ["Tangi", "Mataio", "Teina"],
     "families": ["Marsters", "Tangaroa", "Maoate"]},
    {"ethnicity": "Chinese", "weight": 7,
     "female": ["Jia", "Mei", "Ling", "Xinyi"],
     "male": ["Wei", "Hao", "Ethan", "Yichen"],
     "families": ["Chen", "Wang", "Li", "Zhang"]},
    {"ethnicity": "Indian", "weight": 7,
     "female": ["Priya", "Ananya", "Kavya", "Aanya"],
     "male": ["Arjun", "Rohan", "Aarav", "Kabir"],
     "families": ["Patel", "Singh", "Sharma", "Reddy"]},
    {"ethnicity": "Korean", "weight": 2,
     "female": ["Seo-yeon", "Yuna", "Ji-woo"],
     "male": ["Min-jun", "Daniel", "Jun-ho"],
     "families": ["Kim", "Park", "Lee"]},
    {"ethnicity": "Filipino", "weight": 3,
     "female": ["Angel", "Isabelle", "Andrea"],
     "male": ["Marco", "Jayden", "Miguel"],
     "families": ["Santos", "Reyes", "Cruz"]},
    {"ethnicity": "Japanese", "weight": 1,
     "female": ["Aiko", "Hana", "Yui"],
     "male": ["Kenji", "Haruto", "Sora"],
     "families": ["Tanaka", "Sato"]},
]
