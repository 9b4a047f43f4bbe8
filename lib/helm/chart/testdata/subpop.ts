/**
 * The Chart.yaml and values.yaml files of Helm's chartutil testdata chart "subpop" (Apache-2.0,
 * helm.sh/helm/v3 pkg/chartutil/testdata/subpop), comments removed: a parent with two subcharts,
 * one of them aliased, conditions, tags and import-values on two levels.
 */
export const SUBPOP: Record<string, string> = {
  "Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: parentchart
version: 0.1.0
dependencies:
  - name: subchart1
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchart1.enabled
    tags:
      - front-end
      - subchart1
    import-values:
      - child: SC1data
        parent: imported-chart1
      - child: SC1data
        parent: overridden-chart1
      - child: imported-chartA
        parent: imported-chartA
      - child: imported-chartA-B
        parent: imported-chartA-B
      - child: overridden-chartA-B
        parent: overridden-chartA-B
      - child: SCBexported1A
        parent: .
      - SCBexported2
      - SC1exported1

  - name: subchart2
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchart2.enabled
    tags:
      - back-end
      - subchart2

  - name: subchart2
    alias: subchart2alias
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchart2alias.enabled
`,
  "charts/subchart1/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subchart1
version: 0.1.0
dependencies:
  - name: subcharta
    repository: http://localhost:10191
    version: 0.1.0
    condition: subcharta.enabled
    tags:
      - front-end
      - subcharta
    import-values:
      - child: SCAdata
        parent: imported-chartA
      - child: SCAdata
        parent: overridden-chartA
      - child: SCAdata
        parent: imported-chartA-B

  - name: subchartb
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchartb.enabled
    import-values:
      - child: SCBdata
        parent: imported-chartB
      - child: SCBdata
        parent: imported-chartA-B
      - child: exports.SCBexported2
        parent: exports.SCBexported2
      - SCBexported1

    tags:
      - front-end
      - subchartb
`,
  "charts/subchart1/charts/subchartA/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subcharta
version: 0.1.0
`,
  "charts/subchart1/charts/subchartA/values.yaml": `service:
  name: apache
  type: ClusterIP
  externalPort: 80
  internalPort: 80
SCAdata:
  SCAbool: false
  SCAfloat: 3.1
  SCAint: 55
  SCAstring: "jabba"
  SCAnested1:
    SCAnested2: true
`,
  "charts/subchart1/charts/subchartB/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subchartb
version: 0.1.0
`,
  "charts/subchart1/charts/subchartB/values.yaml": `service:
  name: nginx
  type: ClusterIP
  externalPort: 80
  internalPort: 80

SCBdata:
  SCBbool: true
  SCBfloat: 7.77
  SCBint: 33
  SCBstring: "boba"

exports:
  SCBexported1:
    SCBexported1A:
      SCBexported1B: 1965

  SCBexported2:
    SCBexported2A: "blaster"

global:
  kolla:
    nova:
      api:
        all:
          port: 8774
      metadata:
        all:
          port: 8775
`,
  "charts/subchart1/values.yaml": `service:
  name: nginx
  type: ClusterIP
  externalPort: 80
  internalPort: 80


SC1data:
  SC1bool: true
  SC1float: 3.14
  SC1int: 100
  SC1string: "dollywood"
  SC1extra1: 11

imported-chartA:
  SC1extra2: 1.337

overridden-chartA:
  SCAbool: true
  SCAfloat: 3.14
  SCAint: 100
  SCAstring: "jabbathehut"
  SC1extra3: true

imported-chartA-B:
  SC1extra5: "tiller"

overridden-chartA-B:
  SCAbool: true
  SCAfloat: 3.33
  SCAint: 555
  SCAstring: "wormwood"
  SCAextra1: 23

  SCBbool: true
  SCBfloat: 0.25
  SCBint: 98
  SCBstring: "murkwood"
  SCBextra1: 13

  SC1extra6: 77

SCBexported1A:
  SC1extra7: true

exports:
  SC1exported1:
    global:
      SC1exported2:
        all:
          SC1exported3: "SC1expstr"
`,
  "charts/subchart2/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subchart2
version: 0.1.0
dependencies:
  - name: subchartb
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchartb.enabled
    tags:
      - back-end
      - subchartb
  - name: subchartc
    repository: http://localhost:10191
    version: 0.1.0
    condition: subchartc.enabled
    tags:
      - back-end
      - subchartc
`,
  "charts/subchart2/charts/subchartB/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subchartb
version: 0.1.0
`,
  "charts/subchart2/charts/subchartB/values.yaml": `replicaCount: 1
image:
  repository: nginx
  tag: stable
  pullPolicy: IfNotPresent
service:
  name: nginx
  type: ClusterIP
  externalPort: 80
  internalPort: 80
resources:
  limits:
    cpu: 100m
    memory: 128Mi
  requests:
    cpu: 100m
    memory: 128Mi
`,
  "charts/subchart2/charts/subchartC/Chart.yaml": `apiVersion: v1
description: A Helm chart for Kubernetes
name: subchartc
version: 0.1.0
`,
  "charts/subchart2/charts/subchartC/values.yaml": `replicaCount: 1
image:
  repository: nginx
  tag: stable
  pullPolicy: IfNotPresent
service:
  name: nginx
  type: ClusterIP
  externalPort: 80
  internalPort: 80
resources:
  limits:
    cpu: 100m
    memory: 128Mi
  requests:
    cpu: 100m
    memory: 128Mi
`,
  "charts/subchart2/values.yaml": `replicaCount: 1
image:
  repository: nginx
  tag: stable
  pullPolicy: IfNotPresent
service:
  name: nginx
  type: ClusterIP
  externalPort: 80
  internalPort: 80
resources:
  limits:
    cpu: 100m
    memory: 128Mi
  requests:
    cpu: 100m
    memory: 128Mi
`,
  "values.yaml": `imported-chart1:
  SPextra1: "helm rocks"

overridden-chart1:
  SC1bool: false
  SC1float: 3.141592
  SC1int: 99
  SC1string: "pollywog"
  SPextra2: 42


imported-chartA:
  SPextra3: 1.337

overridden-chartA:
  SCAbool: true
  SCAfloat: 41.3
  SCAint: 808
  SCAstring: "jabberwocky"
  SPextra4: true

imported-chartA-B:
  SPextra5: "k8s"

overridden-chartA-B:
  SCAbool: true
  SCAfloat: 41.3
  SCAint: 808
  SCAstring: "jabberwocky"
  SCBbool: false
  SCBfloat: 1.99
  SCBint: 77
  SCBstring: "jango"
  SPextra6: 111

tags:
  front-end: true
  back-end: false

subchart2alias:
  enabled: false

ensurenull: null
`,
};
