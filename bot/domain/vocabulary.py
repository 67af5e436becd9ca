"""The names the business gives its products, payment methods and payment channels.

One spelling each: the one the data layer stores, the answers show and the language layer
(bot.nlp.lexicon) turns every customer's spelling into.
"""

CLOUD = "ウイルスバスター クラウド"
CLOUD_DLS = "ウイルスバスター クラウド + デジタルライフサポート プレミアム"
TOTAL_SECURITY = "ウイルスバスター トータルセキュリティ"
TOTAL_SECURITY_STANDARD = "ウイルスバスター トータルセキュリティ スタンダード"
TOTAL_SECURITY_PREMIUM = "ウイルスバスター トータルセキュリティ プレミアム"

PAYMENT_SLIP = "振込用紙"
CREDIT_CARD = "クレジットカード"
CONVENIENCE_STORE_PAYMENT = "かんたんコンビニ決済"

CONVENIENCE_STORE = "コンビニエンスストア"
POST_OFFICE = "郵便局"
