"""Services: the rules of the product, with no HTTP and no Cypher text in them."""
