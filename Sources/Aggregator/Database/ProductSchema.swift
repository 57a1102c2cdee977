/// Schema version 7: product lifecycle data (M6). A product's bill of materials and processes are
/// rows, so a CarbonCore `FootprintModel` is assembled from them at calculation time; an uploaded
/// model is kept verbatim instead. Footprint versions and labels are append-only: no route updates
/// or deletes them, and the unique (product, input hash) index makes "same inputs, same version"
/// hold across replicas.
enum ProductSchema {
    static let migrations: [Migration] = [
        Migration(version: 7, name: "products") { _ in
            [
                """
                CREATE TABLE suppliers (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    contact TEXT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX suppliers_organisation ON suppliers(organisation_id)",
                """
                CREATE TABLE supplier_products (
                    id TEXT PRIMARY KEY,
                    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
                    name TEXT NOT NULL,
                    code TEXT,
                    value TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    method TEXT NOT NULL,
                    year BIGINT NOT NULL,
                    evidence TEXT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX supplier_products_supplier ON supplier_products(supplier_id)",
                """
                CREATE TABLE products (
                    id TEXT PRIMARY KEY,
                    organisation_id TEXT NOT NULL REFERENCES organisations(id),
                    name TEXT NOT NULL,
                    code TEXT NOT NULL,
                    description TEXT,
                    fu_amount TEXT NOT NULL,
                    fu_unit TEXT NOT NULL,
                    fu_description TEXT,
                    uploaded_model TEXT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX products_code ON products(organisation_id, code)",
                """
                CREATE TABLE product_components (
                    product_id TEXT NOT NULL REFERENCES products(id),
                    position BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    supplier_product_id TEXT REFERENCES supplier_products(id),
                    quantity TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    factor_value TEXT,
                    factor_unit TEXT,
                    stage TEXT NOT NULL,
                    PRIMARY KEY (product_id, position))
                """,
                "CREATE INDEX product_components_supplier ON product_components(supplier_product_id)",
                """
                CREATE TABLE product_processes (
                    product_id TEXT NOT NULL REFERENCES products(id),
                    position BIGINT NOT NULL,
                    process_key TEXT NOT NULL,
                    name TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    emissions TEXT NOT NULL,
                    PRIMARY KEY (product_id, position))
                """,
                """
                CREATE TABLE product_footprints (
                    id TEXT PRIMARY KEY,
                    product_id TEXT NOT NULL REFERENCES products(id),
                    version BIGINT NOT NULL,
                    input_hash TEXT NOT NULL,
                    model TEXT NOT NULL,
                    result TEXT NOT NULL,
                    total_exact TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    created_by TEXT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX product_footprints_version ON product_footprints(product_id, version)",
                "CREATE UNIQUE INDEX product_footprints_input ON product_footprints(product_id, input_hash)",
                """
                CREATE TABLE product_labels (
                    id TEXT PRIMARY KEY,
                    product_id TEXT NOT NULL REFERENCES products(id),
                    footprint_id TEXT NOT NULL REFERENCES product_footprints(id),
                    product_name TEXT NOT NULL,
                    product_code TEXT NOT NULL,
                    footprint_version BIGINT NOT NULL,
                    value TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    functional_unit TEXT NOT NULL,
                    method TEXT NOT NULL,
                    calculated_at BIGINT NOT NULL,
                    verifier TEXT,
                    verification_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX product_labels_product ON product_labels(product_id)",
            ]
        }
    ]
}
