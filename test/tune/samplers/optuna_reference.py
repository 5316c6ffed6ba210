# Reference values for parzen.test.ts: Optuna 3.1 Parzen estimator log-densities (with the
# truncnorm scale fix of optuna#5109 applied) and log-normal masses. Run with /usr/bin/python3;
# paste the output into optuna-reference.ts.
import numpy as np, json
import math
def log_ndtr(x): return float(tn._log_ndtr(np.array([float(x)]))[0]) if hasattr(tn,"_log_ndtr") else math.log(0.5*math.erfc(-x/math.sqrt(2)))
from optuna.distributions import FloatDistribution as F, IntDistribution as I, CategoricalDistribution as C
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
from optuna.samplers._tpe import _truncnorm as tn
_orig=tn.logpdf
def _fixed(x,a,b,loc=0,scale=1):
    return _orig(x,a,b,loc,scale)-np.log(scale)  # optuna#5109, fixed in optuna 3.5
tn.logpdf=_fixed
out={}
xs=[-40,-10,-3,-1,0,0.5,2,6]
out['logNdtr']=[[x,float(log_ndtr(x))] for x in xs]
pairs=[(-50,-49.9),(-3,-2),(-1,2),(0.5,0.50001),(3,8),(10,12),(-2,-1.9999)]
out['logGaussMass']=[[a,b,float(tn._log_gauss_mass(np.array([a]),np.array([b]))[0])] for a,b in pairs]
def pe(space, obs, samples, multivariate=False, n=None):
    p=_ParzenEstimatorParameters(True,1.0,True,False,default_weights,multivariate)
    e=_ParzenEstimator({k:np.asarray(v,dtype=float) for k,v in obs.items()}, space, p)
    return e.log_pdf({k:(np.asarray(v,dtype=int) if isinstance(space[k],C) else np.asarray(v,dtype=float)) for k,v in samples.items()}).tolist()
cases=[]
def add(name, space, spacejs, obs, samples, mv=False):
    cases.append(dict(name=name, space=spacejs, obs=obs, samples=samples, multivariate=mv, expected=pe(space,obs,samples,mv)))
add('float', {'x':F(-5,10)}, {'x':{'kind':'float','low':-5,'high':10,'log':False}}, {'x':[0.3,-4.9,7.2,7.3,2.0]}, {'x':[-5,-1,0.31,7.25,9.99]})
add('float-log', {'x':F(1e-4,1,log=True)}, {'x':{'kind':'float','low':1e-4,'high':1,'log':True}}, {'x':[1e-3,0.5,2e-4]}, {'x':[1e-4,1e-3,0.05,0.9]})
add('float-step', {'x':F(0,0.9,step=0.3)}, {'x':{'kind':'float','low':0,'high':0.9,'log':False,'step':0.3}}, {'x':[0.3,0.3,0.9]}, {'x':[0,0.3,0.6,0.9]})
add('int-step', {'x':I(2,20,step=3)}, {'x':{'kind':'int','low':2,'high':20,'log':False,'step':3}}, {'x':[5,5,17,2]}, {'x':[2,8,17,20]})
add('int-log', {'x':I(1,64,log=True)}, {'x':{'kind':'int','low':1,'high':64,'log':True,'step':1}}, {'x':[1,2,40]}, {'x':[1,3,40,64]})
add('categorical', {'c':C(['a','b','c'])}, {'c':{'kind':'categorical','choices':['a','b','c']}}, {'c':[0,0,2]}, {'c':[0,1,2]})
add('empty', {'x':F(-5,10)}, {'x':{'kind':'float','low':-5,'high':10,'log':False}}, {'x':[]}, {'x':[-5,2.5,9]})
add('many', {'x':F(0,1)}, {'x':{'kind':'float','low':0,'high':1,'log':False}}, {'x':[((i*37)%101)/101 for i in range(40)]}, {'x':[0,0.25,0.5,0.77,1]})
add('multivariate', {'x':F(-5,10),'c':C(['a','b']),'k':I(1,9)}, {'x':{'kind':'float','low':-5,'high':10,'log':False},'c':{'kind':'categorical','choices':['a','b']},'k':{'kind':'int','low':1,'high':9,'log':False,'step':1}}, {'x':[0.3,-4.9,7.2],'c':[0,1,1],'k':[1,5,9]}, {'x':[-5,0.3,7],'c':[0,1,0],'k':[1,4,9]}, True)
out['parzen']=cases
out['weights30']=default_weights(30).tolist()
print(json.dumps(out))
